import { describe, expect, it } from 'vitest';
import { formatAge, formatBytes, formatDuration, formatNumber, formatPercent, isoDay } from '../../../src/app/lib/format';

describe('format', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('formats ages floored to the unit', () => {
    expect(formatAge(42.9)).toBe('42s');
    expect(formatAge(60)).toBe('1m');
    expect(formatAge(3 * 3600 + 59 * 60)).toBe('3h');
    expect(formatAge(86_400 * 3 + 5)).toBe('3d');
    expect(formatAge(Number.NaN)).toBe('—');
  });
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });
  it('uses a real minus sign and dashes for NaN', () => {
    expect(formatNumber(-1.234)).toBe('−1.23');
    expect(formatNumber(2)).toBe('2.00');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatPercent(0.4523)).toBe('45.2%');
    expect(isoDay('2024-03-01T10:00:00Z')).toBe('2024-03-01');
    expect(isoDay(null)).toBe('—');
  });
});
