import type { ProxyUpstream } from '../engine/contracts';
import type { CacheKind } from './config';
import type { UpstreamResponse } from './upstream';

/** Result of running a plan: the typed payload and its data caveats. */
export interface PlanResult {
  data: unknown;
  warnings: string[];
}

/**
 * A validated request turned into upstream work. `cacheKey` is the normalised upstream URL
 * (plus a suffix for multi-page fetches) — the same request always gets the same key.
 */
export interface Plan {
  /** Route name for logs, e.g. "bars.yahoo". */
  route: string;
  upstream: ProxyUpstream;
  kind: CacheKind;
  cacheKey: string;
  run(fetcher: Fetcher): Promise<PlanResult>;
}

/** What a plan may do with the network: GET a URL under an upstream's base. */
export interface Fetcher {
  get(upstream: ProxyUpstream, url: URL, accept: string): Promise<UpstreamResponse>;
}

export interface PlanContext {
  base(upstream: ProxyUpstream): string;
  kalshiMaxPages: number;
  now(): number;
}
