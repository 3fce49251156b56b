import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  formatDay,
  formatInstant,
  newYorkSessionDay,
  newYorkWallToUtc,
  utcToNewYorkWall,
  weekdayOfDays,
} from '../../../src/engine/data/calendar';
import { parseNumber, parseNumberRange } from '../../../src/engine/data/numbers';
import { parseTimestamp } from '../../../src/engine/data/timestamps';
import { FIXTURES } from './helpers';

const H = 3_600_000;

describe('parseNumber', () => {
  it('accepts the decimal grammar', () => {
    const ok: [string, number][] = [
      ['1', 1],
      ['-2.5', -2.5],
      ['+3', 3],
      ['.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['1E-3', 0.001],
      ['2.5e+6', 2500000],
      ['  42.75\t', 42.75],
      ['007', 7],
      ['0.000123', 0.000123],
      ['9334379.803586679', 9334379.803586679],
      ['1e-400', 0],
      ['123456789012345678901234567890', 1.2345678901234568e29],
    ];
    for (const [s, v] of ok) expect(parseNumber(s), s).toBe(v);
    expect(Object.is(parseNumber('-0'), -0)).toBe(true);
  });

  it('treats everything else, and overflow, as missing', () => {
    for (const s of ['', ' ', '.', '-', '+', 'e5', '1e', '1e+', '1,5', '1.2.3', '0x10', 'NaN', 'nan', 'inf', 'Infinity', '-inf', '1_000', '$5', '5%', '1 2', '1e400', '--1', '١']) {
      expect(parseNumber(s), JSON.stringify(s)).toBeNaN();
    }
  });

  it('parses a range of a larger string', () => {
    expect(parseNumberRange('ab,12.5,cd', 3, 7)).toBe(12.5);
  });

  it('property: round-trips every double and agrees with Number on decimal text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(parseNumber(String(x))).toBe(x === 0 ? 0 : x); // String(-0) is "0"
        expect(parseNumber(x.toExponential(8))).toBe(Number(x.toExponential(8)));
      }),
      { numRuns: 1500 },
    );
    const decimal = fc
      .tuple(fc.stringMatching(/^[0-9]{1,20}$/), fc.stringMatching(/^[0-9]{0,20}$/), fc.integer({ min: -30, max: 30 }))
      .map(([a, b, e]) => `${a}.${b}e${e}`);
    fc.assert(
      fc.property(decimal, (s) => {
        expect(parseNumber(s)).toBe(Number(s));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('calendar', () => {
  it('day numbers agree with Date.UTC and weekdays with getUTCDay', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 2_900_000 }), (days) => {
        const d = new Date(days * 86_400_000);
        const p = civilFromDays(days);
        expect(p).toBe(d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate());
        expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(days);
        expect(weekdayOfDays(days)).toBe(d.getUTCDay());
      }),
      { numRuns: 2000 },
    );
    expect(formatDay(0)).toBe('1970-01-01');
    expect(formatDay(daysFromCivil(2024, 2, 29))).toBe('2024-02-29');
    expect(formatInstant(Date.UTC(2021, 2, 14, 7, 5, 9, 999))).toBe('2021-03-14T07:05:09Z');
  });

  it('New York offsets switch exactly at the tz database instants, 1967–2040', () => {
    const switches = JSON.parse(readFileSync(join(FIXTURES, 'ny_transitions.json'), 'utf8')) as {
      utc: string;
      before: number;
      after: number;
    }[];
    expect(switches.length).toBe(148);
    const offsetMin = (utc: number) => (utcToNewYorkWall(utc) - utc) / 60_000;
    for (const s of switches) {
      const t = Date.parse(s.utc);
      expect(offsetMin(t - 1), s.utc).toBe(s.before);
      expect(offsetMin(t), s.utc).toBe(s.after);
      // mid-year and mid-winter points in between are stable too
      expect(offsetMin(t + 30 * 86_400_000)).toBe(s.after);
    }
  });

  it('wall → UTC round-trips outside the switch hours and follows fold=0 inside them', () => {
    // 2021: DST from Sun Mar 14 02:00 to Sun Nov 7 02:00
    expect(newYorkWallToUtc(Date.UTC(2021, 2, 14, 1, 59))).toBe(Date.UTC(2021, 2, 14, 6, 59));
    expect(newYorkWallToUtc(Date.UTC(2021, 2, 14, 2, 30))).toBe(Date.UTC(2021, 2, 14, 7, 30)); // does not exist: read as EST
    expect(newYorkWallToUtc(Date.UTC(2021, 2, 14, 3, 0))).toBe(Date.UTC(2021, 2, 14, 7, 0));
    expect(newYorkWallToUtc(Date.UTC(2021, 10, 7, 0, 59))).toBe(Date.UTC(2021, 10, 7, 4, 59));
    expect(newYorkWallToUtc(Date.UTC(2021, 10, 7, 1, 30))).toBe(Date.UTC(2021, 10, 7, 5, 30)); // repeated: first (EDT)
    expect(newYorkWallToUtc(Date.UTC(2021, 10, 7, 2, 0))).toBe(Date.UTC(2021, 10, 7, 7, 0));
    // 1987–2006 rule: 2006 DST from Apr 2 to Oct 29
    expect(newYorkWallToUtc(Date.UTC(2006, 3, 1, 12))).toBe(Date.UTC(2006, 3, 1, 17));
    expect(newYorkWallToUtc(Date.UTC(2006, 3, 3, 12))).toBe(Date.UTC(2006, 3, 3, 16));
    expect(newYorkWallToUtc(Date.UTC(2006, 2, 13, 12))).toBe(Date.UTC(2006, 2, 13, 17)); // would be EDT under the 2007 rule
    expect(newYorkWallToUtc(Date.UTC(2006, 9, 30, 12))).toBe(Date.UTC(2006, 9, 30, 17));
    expect(newYorkWallToUtc(Date.UTC(2006, 9, 28, 12))).toBe(Date.UTC(2006, 9, 28, 16));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 * 365 * 24 }), (hours) => {
        const utc = Date.UTC(1970, 0, 1) + hours * H + 17 * 60_000;
        const wall = utcToNewYorkWall(utc);
        const back = newYorkWallToUtc(wall);
        // only the repeated fall-back hour maps back to its first occurrence
        if (back !== utc) expect(back).toBe(utc - H);
      }),
      { numRuns: 1500 },
    );
  });

  it('the session date is the New York calendar date', () => {
    expect(formatDay(newYorkSessionDay(Date.UTC(2021, 0, 5, 3, 0)))).toBe('2021-01-04'); // 22:00 EST
    expect(formatDay(newYorkSessionDay(Date.UTC(2021, 0, 5, 5, 0)))).toBe('2021-01-05');
    expect(formatDay(newYorkSessionDay(Date.UTC(2021, 6, 5, 3, 59)))).toBe('2021-07-04'); // 23:59 EDT
    expect(formatDay(newYorkSessionDay(Date.UTC(2021, 6, 5, 4, 0)))).toBe('2021-07-05');
  });
});

describe('parseTimestamp', () => {
  it('accepts the ISO subset', () => {
    const wall = (s: string) => parseTimestamp(s)?.wallMs;
    expect(wall('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
    expect(wall('2020-02-29T09:30')).toBe(Date.UTC(2020, 1, 29, 9, 30));
    expect(wall('2020-02-29 09:30:15')).toBe(Date.UTC(2020, 1, 29, 9, 30, 15));
    expect(wall('2020-02-29T09:30:15.5')).toBe(Date.UTC(2020, 1, 29, 9, 30, 15, 500));
    expect(wall('2020-02-29T09:30:15.123456789')).toBe(Date.UTC(2020, 1, 29, 9, 30, 15, 123));
    expect(wall(' 2020-02-29 ')).toBe(Date.UTC(2020, 1, 29));
    expect(parseTimestamp('2020-01-01T10:00Z')).toMatchObject({ hasOffset: true, offsetMinutes: 0 });
    expect(parseTimestamp('2020-01-01T10:00:00+05:30')).toMatchObject({ hasOffset: true, offsetMinutes: 330 });
    expect(parseTimestamp('2020-01-01T10:00:00-0400')).toMatchObject({ hasOffset: true, offsetMinutes: -240 });
    expect(parseTimestamp('2020-01-01 10:00')).toMatchObject({ hasOffset: false, timeOfDayMs: 10 * H });
    expect(parseTimestamp('2020-01-01T00:00:00Z')).toMatchObject({ timeOfDayMs: 0 });
  });

  it('rejects everything else', () => {
    for (const s of [
      '',
      '2020-1-01',
      '20200101',
      '2020/01/01',
      '2019-02-29',
      '2020-13-01',
      '2020-00-10',
      '2020-04-31',
      '0000-01-01',
      '2020-01-01T',
      '2020-01-01T24:00',
      '2020-01-01T10:60',
      '2020-01-01T10:00:60',
      '2020-01-01t10:00',
      '2020-01-01  10:00',
      '2020-01-01T10',
      '2020-01-01T10:00.5',
      '2020-01-01T10:00:00.',
      '2020-01-01T10:00:00.1234567890',
      '2020-01-01T10:00+05',
      '2020-01-01T10:00+5:00',
      '2020-01-01T10:00+24:00',
      '2020-01-01T10:00+05:60',
      '2020-01-01 10:00 Z',
      '2020-01-01Z',
      '2020-01-01T10:00ZZ',
      '01/02/2020',
      'today',
    ]) {
      expect(parseTimestamp(s), JSON.stringify(s)).toBeNull();
    }
  });
});
