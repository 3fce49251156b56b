import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  DIVERGING_STOPS,
  divergingColor,
  mix,
  NAN_COLOR,
  parseHex,
  readableText,
  REGIME_COLORS,
  REGIME_LABELS,
  SEQUENTIAL_STOPS,
  sequentialColor,
  stateColors,
  toHex,
  withAlpha,
} from '../../../src/app/lib/research-color';

describe('colour primitives', () => {
  it('parses and prints #rrggbb', () => {
    expect(parseHex('#58a6ff')).toEqual([0x58, 0xa6, 0xff]);
    expect(toHex([88, 166, 255])).toBe('#58a6ff');
    expect(() => parseHex('58a6ff')).toThrow(/#rrggbb/);
    expect(() => parseHex('#fff')).toThrow(/#rrggbb/);
  });

  it('mixes linearly in sRGB (hand-computed) and clamps t', () => {
    expect(mix('#000000', '#ffffff', 0.5)).toBe('#808080'); // 127.5 rounds up
    expect(mix('#f85149', '#161b22', 0.25)).toBe(toHex([0xf8 - 0.25 * (0xf8 - 0x16), 0x51 - 0.25 * (0x51 - 0x1b), 0x49 - 0.25 * (0x49 - 0x22)]));
    expect(mix('#000000', '#ffffff', -3)).toBe('#000000');
    expect(mix('#000000', '#ffffff', 7)).toBe('#ffffff');
  });

  it('appends an alpha byte', () => {
    expect(withAlpha('#58a6ff', 1)).toBe('#58a6ffff');
    expect(withAlpha('#58a6ff', 0)).toBe('#58a6ff00');
    expect(withAlpha('#58a6ff', 0.5)).toBe('#58a6ff80');
  });
});

describe('heatmap scales', () => {
  it('diverging: −1 red, 0 panel grey, +1 green (spec tokens), clamped, NaN → canvas', () => {
    expect(DIVERGING_STOPS).toEqual(['#f85149', '#161b22', '#3fb950']);
    expect(divergingColor(-1)).toBe('#f85149');
    expect(divergingColor(0)).toBe('#161b22');
    expect(divergingColor(1)).toBe('#3fb950');
    expect(divergingColor(-5)).toBe('#f85149');
    expect(divergingColor(9)).toBe('#3fb950');
    expect(divergingColor(0.5)).toBe(mix('#161b22', '#3fb950', 0.5));
    expect(divergingColor(-0.5)).toBe(mix('#f85149', '#161b22', 0.5));
    expect(divergingColor(Number.NaN)).toBe(NAN_COLOR);
  });

  it('sequential: 0 panel grey, ½ blue, 1 green (spec tokens)', () => {
    expect(SEQUENTIAL_STOPS).toEqual(['#161b22', '#58a6ff', '#3fb950']);
    expect(sequentialColor(0)).toBe('#161b22');
    expect(sequentialColor(0.5)).toBe('#58a6ff');
    expect(sequentialColor(1)).toBe('#3fb950');
    expect(sequentialColor(0.25)).toBe(mix('#161b22', '#58a6ff', 0.5));
    expect(sequentialColor(Number.NaN)).toBe(NAN_COLOR);
  });

  it('diverging: the further from 0, the further the colour from the neutral grey (monotone on each side)', () => {
    const dist = (c: string) => {
      const [r, g, b] = parseHex(c);
      const [r0, g0, b0] = parseHex('#161b22');
      return Math.hypot(r - r0, g - g0, b - b0);
    };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        // rounding to bytes can tie neighbours, never reverse them by more than one step
        expect(dist(divergingColor(hi))).toBeGreaterThanOrEqual(dist(divergingColor(lo)) - 1.8);
        expect(dist(divergingColor(-hi))).toBeGreaterThanOrEqual(dist(divergingColor(-lo)) - 1.8);
      }),
    );
  });

  it('cell text stays legible: the picked ink is the better of white/black and ≥ 4.3:1 on every scale colour', () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 1, noNaN: true }), (v) => {
        for (const bg of [divergingColor(v), sequentialColor((v + 1) / 2)]) {
          const ink = readableText(bg);
          const other = ink === '#ffffff' ? NAN_COLOR : '#ffffff';
          expect(contrastRatio(bg, ink)).toBeGreaterThanOrEqual(contrastRatio(bg, other));
          expect(contrastRatio(bg, ink)).toBeGreaterThanOrEqual(4.3);
        }
      }),
    );
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
  });
});

describe('regime colours', () => {
  it('are the spec tokens in canonical order with names', () => {
    expect(REGIME_COLORS).toEqual(['#3fb950', '#f85149', '#58a6ff', '#d29922']);
    expect(REGIME_LABELS).toEqual(['Trending Bull', 'Trending Bear', 'Mean Reverting', 'High Volatility']);
  });

  it('give the first state of each regime its token and distinct shades to the others', () => {
    expect(stateColors([3, 2, 1, 0])).toEqual(['#d29922', '#58a6ff', '#f85149', '#3fb950']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), (regimes) => {
        const colors = stateColors(regimes);
        expect(colors).toHaveLength(regimes.length);
        expect(new Set(colors).size).toBe(colors.length);
        regimes.forEach((r, k) => {
          if (regimes.indexOf(r) === k) expect(colors[k]).toBe(REGIME_COLORS[r]);
        });
      }),
    );
    expect(() => stateColors([4])).toThrow(/0\.\.3/);
  });
});
