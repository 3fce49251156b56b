import type { ProxyErrorBody, ProxyErrorCode, ProxyErrorInfo, ProxyUpstream } from '../engine/contracts';

/** HTTP status the proxy answers with for each error code (some codes take the upstream's). */
const DEFAULT_STATUS: Record<ProxyErrorCode, number> = {
  invalid_param: 400,
  not_found: 404,
  method_not_allowed: 405,
  origin_not_allowed: 403,
  host_not_allowed: 403,
  payload_too_large: 413,
  uri_too_long: 414,
  rate_limited: 429,
  upstream_timeout: 504,
  upstream_rate_limited: 429,
  upstream_html: 502,
  upstream_bad_json: 502,
  upstream_bad_csv: 502,
  upstream_bad_shape: 502,
  upstream_not_found: 404,
  upstream_error: 502,
  upstream_status: 502,
  upstream_unreachable: 502,
  upstream_too_large: 502,
  upstream_redirect_refused: 502,
  internal: 500,
};

/** Upstream failures after which a cached copy may be served instead (marked stale). */
const STALE_ELIGIBLE: ReadonlySet<ProxyErrorCode> = new Set<ProxyErrorCode>([
  'rate_limited',
  'upstream_timeout',
  'upstream_rate_limited',
  'upstream_html',
  'upstream_bad_json',
  'upstream_bad_csv',
  'upstream_bad_shape',
  'upstream_error',
  'upstream_status',
  'upstream_unreachable',
  'upstream_too_large',
  'upstream_redirect_refused',
]);

export interface ProxyErrorOptions {
  upstream?: ProxyUpstream | null;
  /** Upstream HTTP status. */
  status?: number;
  retryAfter?: number;
  param?: string;
  /** Overrides the HTTP status the proxy answers with. */
  httpStatus?: number;
}

/** An error the proxy reports to its client as `{ ok: false, error }`. */
export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  readonly upstream: ProxyUpstream | null;
  readonly status?: number;
  readonly retryAfter?: number;
  readonly param?: string;
  readonly httpStatus: number;

  constructor(code: ProxyErrorCode, message: string, opts: ProxyErrorOptions = {}) {
    super(message);
    this.name = 'ProxyError';
    this.code = code;
    this.upstream = opts.upstream ?? null;
    this.status = opts.status;
    this.retryAfter = opts.retryAfter;
    this.param = opts.param;
    this.httpStatus = opts.httpStatus ?? DEFAULT_STATUS[code];
  }

  /** True for upstream failures where a stale cached copy is better than nothing. */
  get staleEligible(): boolean {
    return this.upstream !== null && STALE_ELIGIBLE.has(this.code);
  }

  toBody(): ProxyErrorBody {
    const error: ProxyErrorInfo = { code: this.code, message: this.message, upstream: this.upstream };
    if (this.status !== undefined) error.status = this.status;
    if (this.retryAfter !== undefined) error.retryAfter = this.retryAfter;
    if (this.param !== undefined) error.param = this.param;
    return { ok: false, error };
  }
}

export function invalidParam(param: string, why: string): ProxyError {
  return new ProxyError('invalid_param', `invalid parameter "${param}": ${why}`, { param });
}
