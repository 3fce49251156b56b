/**
 * `qe bench` stage for the dataset storage format: Arrow IPC encode + decode + checksum of one
 * million seeded bars (the per-dataset cost of every import, demo load and DuckDB sync).
 */
import type { BenchStage } from '../cli/bench/stages';
import type { Bars } from '../engine/contracts';
import { checksumColumns, seedFromString } from '../engine/core/hash';
import { Prng } from '../engine/core/prng';
import { decodeBars, encodeBars } from './bars-codec';

function seededBars(n: number): Bars {
  const prng = new Prng(seedFromString('storage-bench'));
  const b: Bars = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let p = 100;
  for (let i = 0; i < n; i++) {
    b.ts[i] = 1_500_000_000_000 + i * 60_000;
    const o = p;
    p *= Math.exp(0.001 * prng.normal());
    b.open[i] = o;
    b.close[i] = p;
    b.high[i] = Math.max(o, p) * (1 + 0.0005 * prng.next());
    b.low[i] = Math.min(o, p) * (1 - 0.0005 * prng.next());
    b.volume[i] = 1000 + prng.int(10_000);
  }
  return b;
}

export const storageCodecBenchStage: BenchStage = {
  name: 'storage.arrow_codec_1m_bars',
  async run() {
    const rows = 1_000_000;
    const bars = seededBars(rows);
    const t0 = performance.now();
    const bytes = encodeBars(bars);
    const t1 = performance.now();
    const back = decodeBars(bytes);
    const t2 = performance.now();
    const sum = checksumColumns({ ...back });
    const t3 = performance.now();
    if (sum !== checksumColumns({ ...bars })) throw new Error('storage bench: decoded columns differ from the input');
    const mb = bytes.byteLength / 1e6;
    return {
      rows,
      bytes: bytes.byteLength,
      encodeMs: Math.round(t1 - t0),
      decodeMs: Math.round(t2 - t1),
      checksumMs: Math.round(t3 - t2),
      encodeMBps: Math.round(mb / ((t1 - t0) / 1000)),
      decodeMBps: Math.round(mb / ((t2 - t1) / 1000)),
    };
  },
};
