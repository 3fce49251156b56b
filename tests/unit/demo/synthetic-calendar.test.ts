import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isNewYorkDst,
  newYorkUtcOffsetHours,
  parseDay,
  RTH_BARS_PER_DAY,
  rthBarStartUtc,
  weekdaysBetween,
} from '../../../src/engine/data/synthetic-calendar';

/** New York wall-clock time of a UTC instant, from the runtime's time-zone database (independent of our rule). */
function newYorkClock(ms: number): { hour: number; minute: number; weekday: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { hour: Number(get('hour')), minute: Number(get('minute')), weekday: get('weekday') };
}

describe('synthetic calendar', () => {
  it('parses days strictly', () => {
    expect(parseDay('2025-03-10')).toBe(Date.UTC(2025, 2, 10));
    expect(() => parseDay('2025-02-30')).toThrow(/2025-02-30/);
    expect(() => parseDay('2025-3-1')).toThrow(/YYYY-MM-DD/);
  });

  it('knows the 2024 and 2025 US daylight-saving switches', () => {
    // 2025: DST from Sun 9 March to Sun 2 November; 2024: 10 March to 3 November.
    expect(isNewYorkDst(parseDay('2025-03-07'))).toBe(false);
    expect(isNewYorkDst(parseDay('2025-03-10'))).toBe(true);
    expect(isNewYorkDst(parseDay('2025-10-31'))).toBe(true);
    expect(isNewYorkDst(parseDay('2025-11-03'))).toBe(false);
    expect(isNewYorkDst(parseDay('2024-03-08'))).toBe(false);
    expect(isNewYorkDst(parseDay('2024-03-11'))).toBe(true);
    expect(isNewYorkDst(parseDay('2024-11-01'))).toBe(true);
    expect(isNewYorkDst(parseDay('2024-11-04'))).toBe(false);
    expect(newYorkUtcOffsetHours(parseDay('2025-01-15'))).toBe(5);
    expect(newYorkUtcOffsetHours(parseDay('2025-07-15'))).toBe(4);
  });

  it('puts the first RTH bar at 14:30Z in winter and 13:30Z in summer', () => {
    expect(new Date(rthBarStartUtc(parseDay('2025-03-07'), 0)).toISOString()).toBe('2025-03-07T14:30:00.000Z');
    expect(new Date(rthBarStartUtc(parseDay('2025-03-10'), 0)).toISOString()).toBe('2025-03-10T13:30:00.000Z');
    expect(new Date(rthBarStartUtc(parseDay('2025-10-31'), 6)).toISOString()).toBe('2025-10-31T19:30:00.000Z');
    expect(new Date(rthBarStartUtc(parseDay('2025-11-03'), 6)).toISOString()).toBe('2025-11-03T20:30:00.000Z');
  });

  it('agrees with the time-zone database on every weekday 2007–2030 (property)', () => {
    const first = parseDay('2007-03-01');
    const span = Math.floor((parseDay('2030-12-31') - first) / 86_400_000);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: span }), fc.integer({ min: 0, max: RTH_BARS_PER_DAY - 1 }), (d, k) => {
        const day = first + d * 86_400_000;
        const clock = newYorkClock(rthBarStartUtc(day, k));
        const minutes = clock.hour * 60 + clock.minute;
        return minutes === 570 + 60 * k;
      }),
      { numRuns: 400 },
    );
  });

  it('lists weekdays only, inclusive of both ends', () => {
    const days = weekdaysBetween(parseDay('2025-03-07'), parseDay('2025-03-17'));
    expect(Array.from(days, (d) => new Date(d).toISOString().slice(0, 10))).toEqual([
      '2025-03-07',
      '2025-03-10',
      '2025-03-11',
      '2025-03-12',
      '2025-03-13',
      '2025-03-14',
      '2025-03-17',
    ]);
    expect(() => weekdaysBetween(parseDay('2025-03-17'), parseDay('2025-03-07'))).toThrow();
  });
});
