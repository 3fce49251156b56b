import { describe, expect, it } from 'vitest';
import { type QualityReport, qualityReports, scoreIssues, verdict } from '../../../src/engine/data/quality';
import { imp } from './helpers';

function report(text: string, file = 'A.csv'): QualityReport {
  return qualityReports(imp(text, file)).reports[0];
}

describe('quality report: calendar, splits, stale runs (hand-computed)', () => {
  // 2024-01-01 is a Monday.
  const text = [
    'date,open,high,low,close,volume',
    '2024-01-01,100,100,100,100,10',
    '2024-01-02,100,100,100,100,10',
    // Wed 3 – Fri 5 missing: a gap run of 3
    '2024-01-08,100,100,100,100,10',
    // Tue 9 missing alone
    '2024-01-10,100,100,100,100,10',
    '2024-01-11,100,100,100,100,10',
    // Fri 12 missing; Sat 13 present (weekend date); Mon 15, Tue 16 missing → run Fri–Tue of 3 weekdays
    '2024-01-13,40,41,39,40,10',
    '2024-01-17,40,42,40,41,10',
  ].join('\n');

  it('counts expected/missing weekdays, gap runs across weekends, weekend dates', () => {
    const q = report(text);
    expect(q.rows).toBe(7);
    expect(q.rows_clean).toBe(7);
    expect([q.first, q.last]).toEqual(['2024-01-01', '2024-01-17']);
    expect(q.expected_weekdays).toBe(13);
    expect(q.missing_weekdays).toBe(7);
    expect(q.missing_weekday_fraction).toBe(7 / 13);
    expect(q.weekend_dates).toBe(1);
    expect(q.gap_runs).toEqual([
      { start: '2024-01-03', end: '2024-01-05', weekdays: 3 },
      { start: '2024-01-12', end: '2024-01-16', weekdays: 3 },
    ]);
    expect(q.suspected_splits).toEqual([{ ts: '2024-01-13', ret: 40 / 100 - 1, ratio: 2.5 }]);
    expect(q.stale_runs).toEqual([{ start: '2024-01-01', end: '2024-01-11', bars: 5 }]);
    expect(q.flat_bars).toBe(5);
    expect(q.issues).toEqual([
      { check: 'flat_bars', level: 'warn', value: 5 },
      { check: 'missing_weekdays', level: 'fail', value: 7 },
      { check: 'gap_runs', level: 'warn', value: 2 },
      { check: 'weekend_dates', level: 'warn', value: 1 },
      { check: 'suspected_splits', level: 'warn', value: 1 },
      { check: 'stale_runs', level: 'warn', value: 1 },
    ]);
    expect(q.status).toBe('fail');
    expect('outside_rth_bars' in q).toBe(false);
  });

  it('details list the dates and file rows behind the counts', () => {
    const d = qualityReports(imp(text, 'A.csv')).details[0];
    expect(d.dates.missing_weekdays).toEqual([
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
      '2024-01-09',
      '2024-01-12',
      '2024-01-15',
      '2024-01-16',
    ]);
    expect(d.dates.weekend_dates).toEqual(['2024-01-13']);
    expect(Array.from(d.rows.suspected_splits)).toEqual([5]);
    expect(Array.from(d.rows.stale_runs)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(d.rows.flat_bars)).toEqual([0, 1, 2, 3, 4]);
  });

  it('closes a gap run that is still open at a weekend last date; runs shorter than 3 are not runs', () => {
    const q = report('date,open,high,low,close,volume\n2024-01-01,1,1,1,1,1\n2024-01-06,1,1,1,1,1\n');
    expect(q.gap_runs).toEqual([{ start: '2024-01-02', end: '2024-01-05', weekdays: 4 }]);
    expect(q.expected_weekdays).toBe(5);
    const two = report('date,open,high,low,close,volume\n2024-01-01,1,1,1,1,1\n2024-01-04,1,1,1,1,1\n');
    expect(two.gap_runs).toEqual([]);
    expect(two.missing_weekdays).toBe(2);
  });

  it('a stale run needs 5 identical closes; a split needs |r| > 0.4', () => {
    const q = report('date,open,high,low,close,volume\n2024-01-01,1,2,1,5,1\n2024-01-02,1,2,1,5,1\n2024-01-03,1,2,1,5,1\n2024-01-04,1,2,1,5,1\n2024-01-05,1,2,1,7,1\n2024-01-08,1,2,1,9.1,1\n');
    expect(q.stale_runs).toEqual([]);
    expect(q.suspected_splits).toEqual([]); // 7/5 − 1 rounds to just below 0.4; 9.1/7 − 1 = 0.3
    const up = report('date,open,high,low,close,volume\n2024-01-01,1,2,1,5,1\n2024-01-02,1,20,1,15,1\n');
    expect(up.suspected_splits).toEqual([{ ts: '2024-01-02', ret: 2, ratio: 5 / 15 }]);
  });
});

describe('quality report: R and S checks (hand-computed)', () => {
  const text = [
    'date,open,high,low,close,volume',
    '2024-01-02,10,9,8,9.5,1', // row 0: high < max(o,c)
    '2024-01-03,10,12,11,10.5,0', // row 1: low > min(o,c); zero volume
    '2024-01-01,10,9,11,10,1', // row 2: all three; steps back in time
    '2024-01-04,,1,2,1.5,1', // row 3: open missing → no OHLC check; missing value
    '2024-01-05,0,1,1,1,-5', // row 4: non-positive price, negative volume
    '2024-01-03,10,12,11,10.5,0', // row 5: duplicate of row 1 (kept: last)
    '2024-01-08,,,,,', // row 6: all missing
  ].join('\n');

  it('counts duplicates, steps back, missing values, OHLC violations and volumes', () => {
    const q = report(text);
    expect(q.rows).toBe(7);
    expect(q.duplicate_timestamps).toBe(1);
    expect(q.non_monotonic_steps).toBe(2); // 01-03 → 01-01 and 01-05 → 01-03
    expect(q.missing_values).toEqual({ open: 2, high: 1, low: 1, close: 1, volume: 1 });
    expect(q.ohlc_violations).toEqual({
      high_below_max_open_close: 2,
      low_above_min_open_close: 3, // rows 1, 2 and 4 (0 < 1 = low)
      high_below_low: 1,
      rows: 4,
    });
    expect(q.nonpositive_price_rows).toBe(1);
    expect(q.negative_volume_rows).toBe(1);
    expect(q.zero_volume_rows).toBe(1);
    expect(q.rows_clean).toBe(3);
    expect([q.first, q.last]).toEqual(['2024-01-01', '2024-01-03']);
    expect(q.issues.map((i) => `${i.check}:${i.level}:${i.value}`)).toEqual([
      'duplicate_timestamps:warn:1',
      'non_monotonic_steps:warn:2',
      'missing_values:fail:2', // 2 > 0.05·7
      'ohlc_violations:fail:4',
      'nonpositive_prices:fail:1',
      'negative_volume:fail:1',
      'zero_volume:warn:1', // 1 > 0.01·7, not > 0.25·7
    ]);
    const d = qualityReports(imp(text, 'A.csv')).details[0];
    expect(Array.from(d.rows.duplicate_timestamps)).toEqual([5]);
    expect(Array.from(d.rows.non_monotonic_steps)).toEqual([2, 5]);
    expect(Array.from(d.rows.missing_values.open)).toEqual([3, 6]);
    expect(Array.from(d.rows.ohlc_violations)).toEqual([2, 0, 5, 4]);
    expect(Array.from(d.rows.excluded_from_clean)).toEqual([3, 4, 6]);
  });

  it('an all-bad ticker still gets a failing report', () => {
    const q = qualityReports(imp('ticker,date,close\nA,2020-01-02,1\nB,garbage,1\n')).reports;
    expect(q.map((r) => [r.ticker, r.status])).toEqual([
      ['A', 'fail'],
      ['B', 'fail'],
    ]);
    const b = q[1];
    expect([b.rows, b.bad_timestamps, b.rows_clean, b.first, b.missing_weekday_fraction]).toEqual([0, 1, 0, null, null]);
    expect(b.issues).toEqual([
      { check: 'empty', level: 'fail', value: 0 },
      { check: 'bad_timestamps', level: 'warn', value: 1 },
    ]);
  });
});

describe('scoring thresholds', () => {
  const base = (): QualityReport => report('date,open,high,low,close,volume\n2024-01-01,1,2,1,1.5,1\n2024-01-02,1,2,1,1.6,1\n');
  const with100 = (patch: (q: QualityReport) => void) => {
    const q = base();
    q.rows = 100;
    patch(q);
    return scoreIssues(q, 'daily');
  };

  it('passes a clean report', () => {
    const q = base();
    expect(q.issues).toEqual([]);
    expect(q.status).toBe('pass');
  });

  it('uses strict > at every boundary', () => {
    const lv = (issues: ReturnType<typeof scoreIssues>) => issues.map((i) => `${i.check}:${i.level}`).join(' ');
    expect(lv(with100((q) => (q.missing_values.volume = 5)))).toBe('missing_values:warn');
    expect(lv(with100((q) => (q.missing_values.high = 6)))).toBe('missing_values:fail');
    expect(lv(with100((q) => (q.ohlc_violations.rows = 1)))).toBe('ohlc_violations:warn');
    expect(lv(with100((q) => (q.ohlc_violations.rows = 2)))).toBe('ohlc_violations:fail');
    expect(lv(with100((q) => (q.zero_volume_rows = 1)))).toBe('');
    expect(lv(with100((q) => (q.zero_volume_rows = 2)))).toBe('zero_volume:warn');
    expect(lv(with100((q) => (q.zero_volume_rows = 25)))).toBe('zero_volume:warn');
    expect(lv(with100((q) => (q.zero_volume_rows = 26)))).toBe('zero_volume:fail');
    expect(lv(with100((q) => (q.flat_bars = 5)))).toBe('');
    expect(lv(with100((q) => (q.flat_bars = 6)))).toBe('flat_bars:warn');
    expect(lv(with100((q) => (q.missing_weekday_fraction = 0.05)))).toBe('');
    expect(lv(with100((q) => (q.missing_weekday_fraction = 0.0501)))).toBe('missing_weekdays:warn');
    expect(lv(with100((q) => (q.missing_weekday_fraction = 0.2)))).toBe('missing_weekdays:warn');
    expect(lv(with100((q) => (q.missing_weekday_fraction = 0.21)))).toBe('missing_weekdays:fail');
    expect(lv(with100((q) => (q.nonpositive_price_rows = 2)))).toBe('nonpositive_prices:fail');
    expect(lv(with100((q) => (q.negative_volume_rows = 1)))).toBe('negative_volume:warn');
  });

  it('status is the worst level', () => {
    expect(verdict([])).toBe('pass');
    expect(verdict([{ check: 'flat_bars', level: 'warn', value: 1 }])).toBe('warn');
    expect(
      verdict([
        { check: 'flat_bars', level: 'warn', value: 1 },
        { check: 'empty', level: 'fail', value: 0 },
      ]),
    ).toBe('fail');
  });
});

describe('quality report: intraday extras', () => {
  const text = [
    'ticker,datetime,open,high,low,close,volume',
    'A,2021-03-12 08:00,1,2,1,1,1', // pre-market (EST): outside RTH
    'A,2021-03-12 09:30,1,2,1,1.1,1',
    'A,2021-03-12 10:30,1,2,1,1.2,1',
    'A,2021-03-12 11:30,1,2,1,1.3,1',
    'A,2021-03-15 09:30,1,2,1,1.4,1', // EDT from here
    'A,2021-03-15 10:30,1,2,1,1.5,1',
    'A,2021-03-15 16:00,1,2,1,1.6,1', // 16:00 is outside RTH
    'A,2021-03-16T13:30:00Z,1,2,1,1.7,1', // 09:30 EDT
  ].join('\n');

  it('counts outside-RTH bars, sessions, median bars per session and short sessions', () => {
    const q = report(text, 'a.csv');
    expect([q.first, q.last]).toEqual(['2021-03-12T13:00:00Z', '2021-03-16T13:30:00Z']);
    expect(q.outside_rth_bars).toBe(2);
    expect(q.sessions).toBe(3);
    expect(q.bars_per_session_median).toBe(3);
    expect(q.short_sessions).toBe(1);
    expect(q.expected_weekdays).toBe(3);
    expect(q.missing_weekdays).toBe(0);
    expect(q.issues).toEqual([{ check: 'outside_rth_bars', level: 'warn', value: 2 }]);
    const d = qualityReports(imp(text, 'a.csv')).details[0];
    expect(Array.from(d.rows.outside_rth_bars)).toEqual([0, 6]);
    expect(d.dates.short_sessions).toEqual(['2021-03-16']);
    // the key order of the printed report: intraday extras after stale_runs, issues last
    expect(Object.keys(q).slice(-5)).toEqual(['outside_rth_bars', 'sessions', 'bars_per_session_median', 'short_sessions', 'issues']);
  });

  it('uses the mean of the two middle counts for an even number of sessions', () => {
    const q = report('ticker,datetime,close,open,high,low,volume\nA,2021-03-12 09:30,1,1,1,1,1\nA,2021-03-15 09:30,1,1,1,1,1\nA,2021-03-15 10:30,2,2,2,2,1\n', 'a.csv');
    expect(q.bars_per_session_median).toBe(1.5);
    expect(q.short_sessions).toBe(1);
  });
});
