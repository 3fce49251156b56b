import { describe, expect, it } from 'vitest';
import { computeFeatureSet, type FeatureSetName } from '../../../src/engine/features/pipeline';
import { CORE_FEATURE_NAMES, computeCoreFeatures, FEATURES } from '../../../src/engine/features/registry';
import { head, loadReal } from '../features/helpers';

const AAPL = head(loadReal('AAPL'), 700);
const SPY = head(loadReal('SPY'), 700);

describe('computeFeatureSet', () => {
  it('core: the 24 contract-B columns in order, equal to the registry computation', () => {
    const fs = computeFeatureSet(AAPL, SPY, { set: 'core' });
    const ref = computeCoreFeatures(AAPL, SPY);
    expect(fs.names).toEqual([...CORE_FEATURE_NAMES]);
    expect(fs.columns).toEqual(ref.columns);
    expect(fs.rows).toBe(700);
    expect(fs.missingBenchmark).toEqual([]);
  });

  it('full: every registered feature, core first', () => {
    const fs = computeFeatureSet(AAPL, null, { set: 'full' });
    expect(fs.names).toEqual(FEATURES.map((f) => f.name));
    expect(fs.names.slice(0, 24)).toEqual([...CORE_FEATURE_NAMES]);
    expect(fs.missingBenchmark).toEqual(['beta_60']);
    expect(fs.columns[fs.names.indexOf('beta_60')].every(Number.isNaN)).toBe(true);
  });

  it('reports warm-up, first valid row and missing count per column', () => {
    const fs = computeFeatureSet(AAPL, SPY, { set: 'core' });
    fs.names.forEach((name, j) => {
      const col = fs.columns[j];
      const first = col.findIndex((v) => !Number.isNaN(v));
      expect(fs.firstValid[j], name).toBe(first);
      expect(fs.missing[j], name).toBe(col.filter(Number.isNaN).length);
      expect(fs.warmup[j], name).toBe(FEATURES.find((f) => f.name === name)?.warmup);
    });
    // gap-free bars: the first value appears exactly at the declared warm-up
    expect(fs.firstValid[fs.names.indexOf('dist_sma_200')]).toBe(199);
    expect(fs.firstValid[fs.names.indexOf('macd_signal')]).toBe(33);
  });

  it('the checksum identifies the contents: same input → same checksum; any change → a different one', () => {
    const a = computeFeatureSet(AAPL, SPY, { set: 'core' });
    expect(computeFeatureSet(AAPL, SPY, { set: 'core' }).checksum).toBe(a.checksum);
    const b = { ...AAPL, close: AAPL.close.slice() };
    b.close[650] *= 1.0001;
    expect(computeFeatureSet(b, SPY, { set: 'core' }).checksum).not.toBe(a.checksum);
    expect(computeFeatureSet(AAPL, null, { set: 'core' }).checksum).not.toBe(a.checksum);
    expect(computeFeatureSet(AAPL, SPY, { set: 'full' }).checksum).not.toBe(a.checksum);
  });

  it('is causal: appending bars leaves every earlier value bit-identical (full set)', () => {
    const long = computeFeatureSet(AAPL, SPY, { set: 'full' });
    for (const n of [260, 511]) {
      const short = computeFeatureSet(head(AAPL, n), SPY, { set: 'full' });
      short.columns.forEach((col, j) => {
        const a = Buffer.from(col.buffer, col.byteOffset, col.byteLength);
        const b = Buffer.from(long.columns[j].buffer, long.columns[j].byteOffset, n * 8);
        expect(a.equals(b), short.names[j]).toBe(true);
      });
    }
  });

  it('rejects an unknown set', () => {
    expect(() => computeFeatureSet(AAPL, null, { set: 'minimal' as FeatureSetName })).toThrow(/unknown feature set "minimal"/);
  });
});
