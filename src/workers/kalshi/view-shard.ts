/**
 * Shard task `kalshi_view`: the Kalshi Events view of one event type from that type's
 * records (markets, contracts, quotes, outcomes), so the views of several types are computed
 * on several pool workers at once.
 */
import type { JobContext } from '../../engine/core/context';
import { analyseEventType, type KalshiRecords, type KalshiTypeView } from '../../engine/kalshi/analysis';

export interface KalshiViewShardInput {
  eventType: string;
  records: KalshiRecords;
}

export async function kalshiViewShard(input: unknown, ctx: JobContext): Promise<KalshiTypeView> {
  const { eventType, records } = input as KalshiViewShardInput;
  return analyseEventType(records, eventType, {}, ctx);
}
