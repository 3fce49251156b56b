/**
 * Default choices of the research pickers from the dataset catalog: the benchmark (SPY or an
 * index, the demo universe's BENCH) and the dataset to analyse. Daily bars win over intraday
 * ones because the feature windows are in trading days.
 */
import type { DatasetMeta } from '../../engine/contracts';

/** Benchmark tickers in order of preference; BENCH is the demo universe's benchmark. */
export const BENCHMARK_TICKERS: readonly string[] = ['SPY', '^GSPC', 'SPX', 'BENCH'];

type Entry = Pick<DatasetMeta, 'id' | 'ticker' | 'timeframe'>;

/** The benchmark dataset id (daily first), or null when the catalog has none. */
export function defaultBenchmark(list: readonly Entry[]): string | null {
  for (const b of BENCHMARK_TICKERS) {
    const hit = list.find((d) => d.ticker === b && d.timeframe === '1d') ?? list.find((d) => d.ticker === b);
    if (hit) return hit.id;
  }
  return null;
}

/** A single stock to analyse: the first daily non-benchmark dataset, else any daily, else the first. */
export function defaultSubject(list: readonly Entry[]): string | null {
  if (list.length === 0) return null;
  const isBench = (d: Entry) => BENCHMARK_TICKERS.includes(d.ticker);
  return (list.find((d) => d.timeframe === '1d' && !isBench(d)) ?? list.find((d) => d.timeframe === '1d') ?? list[0]).id;
}

/** The market as a whole (regimes): the benchmark, else the first daily dataset, else the first. */
export function defaultMarket(list: readonly Entry[]): string | null {
  if (list.length === 0) return null;
  return defaultBenchmark(list) ?? (list.find((d) => d.timeframe === '1d') ?? list[0]).id;
}

/** `sel` when it is still in the catalog, else `fallback(list)`. */
export function keepOrDefault(list: readonly Entry[], sel: string | null, fallback: (l: readonly Entry[]) => string | null): string | null {
  return sel && list.some((d) => d.id === sel) ? sel : fallback(list);
}

/** Picker label: "ALPHA · 1d (demo)". */
export function datasetLabel(d: Pick<DatasetMeta, 'ticker' | 'timeframe' | 'origin'>): string {
  return `${d.ticker} · ${d.timeframe}${d.origin === 'demo' ? ' (demo)' : d.origin === 'proxy' ? ' (cached)' : ''}`;
}
