/**
 * Loads the seeded demo universe into the durable store. Only ever called because the user
 * chose "Load demo dataset" (or the CLI asked for it): every dataset is stamped origin `demo`
 * and source `demo:<key>`, so it stays labelled demo wherever it flows.
 */
import type { DatasetMeta } from '../../engine/contracts';
import { checkpoint, type JobContext } from '../../engine/core/context';
import {
  DEMO_CALENDAR,
  DEMO_KEY,
  DEMO_TICKERS,
  type DemoCalendar,
  generateDemoTicker,
  planDemoMarket,
} from '../../engine/data/synthetic';
import { type DatasetInput, putDatasets } from '../datasets';
import type { QeDb } from '../db';

export interface LoadDemoOptions {
  /** generator key (default 'quant-engine-demo-v1'); the same key always gives the same bars */
  key?: string;
  /** ISO time recorded as the datasets' storedAt (default: now) */
  storedAt?: string;
  /** calendar override (tests use a short one) */
  calendar?: DemoCalendar;
}

/** Share of the progress bar spent generating; the rest is the single write. */
const GENERATE_SHARE = 0.85;

export function demoSource(key: string): string {
  return `demo:${key}`;
}

/**
 * Generates every demo ticker (yielding and honouring cancel between tickers), then stores all
 * of them in one transaction: a cancelled or failed load leaves the store exactly as it was.
 */
export async function loadDemoDataset(db: QeDb, ctx: JobContext, opts: LoadDemoOptions = {}): Promise<DatasetMeta[]> {
  const key = opts.key ?? DEMO_KEY;
  const storedAt = opts.storedAt ?? new Date().toISOString();
  const source = demoSource(key);
  ctx.progress(0, 'Generating demo market');
  await checkpoint(ctx);
  const market = planDemoMarket(key, opts.calendar ?? DEMO_CALENDAR);
  const inputs: DatasetInput[] = [];
  for (let i = 0; i < DEMO_TICKERS.length; i++) {
    const spec = DEMO_TICKERS[i];
    await checkpoint(ctx);
    ctx.progress((GENERATE_SHARE * i) / DEMO_TICKERS.length, `Generating ${spec.ticker} (${i + 1}/${DEMO_TICKERS.length})`);
    const { daily, hourly } = generateDemoTicker(market, spec);
    const common = { ticker: spec.ticker, origin: 'demo', source, quality: 'unchecked', storedAt } as const;
    inputs.push({ ...common, timeframe: '1d', bars: daily });
    inputs.push({ ...common, timeframe: '1h', bars: hourly });
  }
  await checkpoint(ctx);
  ctx.progress(GENERATE_SHARE, `Storing ${inputs.length} demo datasets`);
  const metas = await putDatasets(db, inputs);
  ctx.progress(1, `Stored ${metas.length} demo datasets`);
  return metas;
}
