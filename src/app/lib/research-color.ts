/**
 * Colour scales of the research views (spec §14): the diverging correlation scale
 * #f85149 → #161b22 → #3fb950, the sequential transition-matrix scale #161b22 → #58a6ff →
 * #3fb950, the four regime tokens, and distinct shades for raw model states that share a
 * canonical regime (an HMM with six states has several "bull" states). Pure: strings in/out.
 */
import { CANONICAL_REGIMES } from '../../engine/regime/labels';

/** Regime tokens (spec §14), indexed by canonical regime. */
export const REGIME_COLORS: readonly string[] = ['#3fb950', '#f85149', '#58a6ff', '#d29922'];
export const REGIME_LABELS: readonly string[] = CANONICAL_REGIMES;

export const DIVERGING_STOPS: readonly [string, string, string] = ['#f85149', '#161b22', '#3fb950'];
export const SEQUENTIAL_STOPS: readonly [string, string, string] = ['#161b22', '#58a6ff', '#3fb950'];
/** a cell without a value (NaN): the canvas colour, so it reads as "nothing here" */
export const NAN_COLOR = '#0d1117';

export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`colour must be #rrggbb, got "${hex}"`);
  const n = Number.parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

/** Linear mix in sRGB: t = 0 → a, t = 1 → b (t clamped to [0, 1]). */
export function mix(a: string, b: string, t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex([x[0] + (y[0] - x[0]) * u, x[1] + (y[1] - x[1]) * u, x[2] + (y[2] - x[2]) * u]);
}

/** Three-stop scale over t ∈ [0, 1]: stops at 0, ½ and 1. */
function threeStop(stops: readonly [string, string, string], t: number): string {
  const u = Math.min(1, Math.max(0, t));
  return u <= 0.5 ? mix(stops[0], stops[1], u * 2) : mix(stops[1], stops[2], (u - 0.5) * 2);
}

/** Correlation colour: −limit red, 0 panel grey, +limit green; NaN → NAN_COLOR. */
export function divergingColor(v: number, limit = 1): string {
  if (!Number.isFinite(v)) return NAN_COLOR;
  const l = limit > 0 ? limit : 1;
  return threeStop(DIVERGING_STOPS, (Math.max(-l, Math.min(l, v)) / l + 1) / 2);
}

/** Probability colour: 0 panel grey, ½ blue, 1 green; NaN → NAN_COLOR. */
export function sequentialColor(p: number): string {
  if (!Number.isFinite(p)) return NAN_COLOR;
  return threeStop(SEQUENTIAL_STOPS, p);
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const lin = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
}

export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** White or canvas-black, whichever contrasts more with the background (cell value text). */
export function readableText(bg: string): string {
  return contrastRatio(bg, '#ffffff') >= contrastRatio(bg, NAN_COLOR) ? '#ffffff' : NAN_COLOR;
}

/**
 * One colour per raw state: the first state of each canonical regime gets the regime token;
 * further states of the same regime get alternately lighter and darker shades of it, so every
 * state stays distinguishable while its hue still names its regime.
 */
export function stateColors(stateRegimes: readonly number[]): string[] {
  const seen = new Map<number, number>();
  return stateRegimes.map((r) => {
    const base = REGIME_COLORS[r];
    if (base === undefined) throw new Error(`regime index must be 0..3, got ${r}`);
    const n = seen.get(r) ?? 0;
    seen.set(r, n + 1);
    if (n === 0) return base;
    // Geometric steps: clearly apart for the first few shades, never reaching white/black.
    const m = Math.ceil(n / 2);
    return n % 2 === 1 ? mix(base, '#ffffff', 1 - 0.7 ** m) : mix(base, '#000000', 1 - 0.75 ** m);
  });
}

/** #rrggbb plus an alpha channel (0..1) as #rrggbbaa, for canvas fills. */
export function withAlpha(hex: string, alpha: number): string {
  parseHex(hex);
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${hex}${a.toString(16).padStart(2, '0')}`;
}
