import { describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../../src/engine/contracts';
import { DEMO_BENCHMARK } from '../../../src/engine/data/synthetic';
import { BENCHMARK_TICKERS, datasetLabel, defaultBenchmark, defaultMarket, defaultSubject, keepOrDefault } from '../../../src/app/lib/research-datasets';
import { parseRegimePointer } from '../../../src/app/lib/research-pointers';
import { barTimeFormatter, barUnit, featureTableCsv, formatFeatureValue, timeframeOf } from '../../../src/app/lib/research-table';

type Entry = Pick<DatasetMeta, 'id' | 'ticker' | 'timeframe' | 'origin'>;
const ds = (ticker: string, timeframe: DatasetMeta['timeframe'] = '1d', origin: DatasetMeta['origin'] = 'file'): Entry => ({
  id: `${ticker}|${timeframe}`,
  ticker,
  timeframe,
  origin,
});

describe('formatFeatureValue', () => {
  it('leaves missing values empty and picks precision by magnitude, with a real minus sign', () => {
    expect(formatFeatureValue(Number.NaN)).toBe('');
    expect(formatFeatureValue(Number.POSITIVE_INFINITY)).toBe('');
    expect(formatFeatureValue(0)).toBe('0.0000');
    expect(formatFeatureValue(-0.5)).toBe('−0.5000');
    expect(formatFeatureValue(0.012345)).toBe('0.0123');
    expect(formatFeatureValue(12.3456)).toBe('12.346');
    expect(formatFeatureValue(-1234.56)).toBe('−1234.6');
    expect(formatFeatureValue(123456789)).toBe('1.23e+8');
    expect(formatFeatureValue(0.00001234)).toBe('1.23e-5');
  });
});

describe('bar time and units', () => {
  it('formats daily bars as days and intraday bars with the UTC time', () => {
    const ms = Date.UTC(2024, 2, 1, 14, 30);
    expect(barTimeFormatter('1d')(ms)).toBe('2024-03-01');
    expect(barTimeFormatter('1h')(ms)).toBe('2024-03-01 14:30');
    expect(barTimeFormatter('5m')(ms)).toBe('2024-03-01 14:30');
    expect(barTimeFormatter('1d')(Number.NaN)).toBe('—');
    expect(timeframeOf('ALPHA|1h')).toBe('1h');
    expect(timeframeOf('ALPHA')).toBe('1d');
    expect(barUnit('1d')).toBe('days');
    expect(barUnit('1h')).toBe('bars');
  });
});

describe('featureTableCsv', () => {
  it('writes date then one column per feature, raw values, NaN empty, CRLF (RFC 4180)', () => {
    const dates = Float64Array.from([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    const csv = featureTableCsv(['ret_1', 'vol_20'], dates, [Float64Array.from([Number.NaN, 0.0125]), Float64Array.from([-1e-7, 0.2])], barTimeFormatter('1d'));
    expect(csv).toBe('date,ret_1,vol_20\r\n2024-01-02,,-1e-7\r\n2024-01-03,0.0125,0.2\r\n');
    expect(() => featureTableCsv(['a'], dates, [], barTimeFormatter('1d'))).toThrow(/1 names but 0 columns/);
  });
});

describe('research dataset defaults', () => {
  it('know the demo benchmark', () => {
    expect(BENCHMARK_TICKERS).toContain(DEMO_BENCHMARK);
  });

  it('prefer SPY (daily first) as benchmark, then the index tickers, else none', () => {
    expect(defaultBenchmark([ds('ALPHA'), ds('SPY', '1h'), ds('BENCH'), ds('SPY')])).toBe('SPY|1d');
    expect(defaultBenchmark([ds('ALPHA'), ds('SPY', '1h')])).toBe('SPY|1h');
    expect(defaultBenchmark([ds('ALPHA'), ds('BENCH', '1d', 'demo')])).toBe('BENCH|1d');
    expect(defaultBenchmark([ds('ALPHA')])).toBeNull();
  });

  it('analyse a daily stock by default and the market for regimes', () => {
    const list = [ds('BENCH'), ds('ALPHA', '1h'), ds('ALPHA'), ds('BRAVO')];
    expect(defaultSubject(list)).toBe('ALPHA|1d');
    expect(defaultSubject([ds('SPY'), ds('X', '1h')])).toBe('SPY|1d');
    expect(defaultSubject([])).toBeNull();
    expect(defaultMarket(list)).toBe('BENCH|1d');
    expect(defaultMarket([ds('X', '1h'), ds('Y')])).toBe('Y|1d');
  });

  it('keep a selection only while it is in the catalog', () => {
    const list = [ds('A'), ds('B')];
    expect(keepOrDefault(list, 'B|1d', defaultSubject)).toBe('B|1d');
    expect(keepOrDefault(list, 'GONE|1d', defaultSubject)).toBe('A|1d');
    expect(keepOrDefault(list, null, defaultSubject)).toBe('A|1d');
  });

  it('label demo and cached datasets', () => {
    expect(datasetLabel(ds('ALPHA', '1d', 'demo'))).toBe('ALPHA · 1d (demo)');
    expect(datasetLabel(ds('SPY', '1d', 'proxy'))).toBe('SPY · 1d (cached)');
    expect(datasetLabel(ds('SPY', '1h'))).toBe('SPY · 1h');
  });
});

describe('parseRegimePointer', () => {
  it('splits regime-latest/<datasetId>/<method>', () => {
    expect(parseRegimePointer('regime-latest/BENCH|1d/hmm')).toEqual({ datasetId: 'BENCH|1d', method: 'hmm' });
    expect(parseRegimePointer('regime-latest/^GSPC|1h/consensus')).toEqual({ datasetId: '^GSPC|1h', method: 'consensus' });
  });

  it('refuses other keys', () => {
    expect(() => parseRegimePointer('regime/abc')).toThrow(/unexpected regime pointer key/);
    expect(() => parseRegimePointer('regime-latest/BENCH|1d/kmeans')).toThrow(/kmeans/);
    expect(() => parseRegimePointer('regime-latest/hmm')).toThrow(/unexpected/);
  });
});
