import { PROXY_VERSION, type ProxyUpstream } from '../engine/contracts';
import { ProxyError } from './errors';
import type { TokenBucket } from './rate-limit';

/**
 * The only code that touches the network. It fetches URLs under the configured upstream
 * bases and nothing else: redirects are followed by hand and only within the base's origin,
 * bodies are size-capped while streaming, the whole exchange is under one timeout, every
 * upstream has a token bucket and a cool-down after it answers 429. Request headers are
 * fixed here — nothing a client sends is passed on.
 */

export interface UpstreamResponse {
  status: number;
  contentType: string;
  text: string;
  /** Final URL after same-origin redirects. */
  url: string;
}

export type RequestSigner = (method: string, url: URL) => Record<string, string>;

export interface UpstreamClientOptions {
  bases: Record<ProxyUpstream, string>;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  buckets: Record<ProxyUpstream, TokenBucket>;
  maxWaitMs: number;
  cooldownSec: number;
  now: () => number;
  signers?: Partial<Record<ProxyUpstream, RequestSigner>>;
  fetchImpl?: typeof fetch;
}

const USER_AGENT = `quant-engine-proxy/${PROXY_VERSION}`;
const RETRY_AFTER_MAX_SEC = 3600;

/** Builds `base + path` with sorted query parameters (stable, so usable as a cache key). */
export function upstreamUrl(base: string, path: string, query: Record<string, string | undefined> = {}): URL {
  if (!path.startsWith('/')) throw new Error(`upstream path must start with "/" (got "${path}")`);
  const u = new URL(base + path);
  // Dot-segments (also percent-encoded ones) are resolved by URL parsing and would move the
  // request to another upstream path; callers validate segments, this catches any that slip.
  if (u.pathname !== new URL(base).pathname.replace(/\/+$/, '') + path) {
    throw new Error(`upstream path "${path}" does not survive URL normalisation (dot-segments?)`);
  }
  const keys = Object.keys(query)
    .filter((k) => query[k] !== undefined)
    .sort();
  for (const k of keys) u.searchParams.append(k, query[k] as string);
  return u;
}

/** Seconds from a Retry-After value (delta-seconds or HTTP date), clamped to 1..3600; null if unusable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  let sec: number;
  if (/^\d+$/.test(v)) sec = Number(v);
  else {
    const t = Date.parse(v);
    if (Number.isNaN(t)) return null;
    sec = Math.ceil((t - nowMs) / 1000);
  }
  return Math.min(RETRY_AFTER_MAX_SEC, Math.max(1, sec));
}

export function looksLikeHtml(contentType: string, text: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = text.slice(0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function networkCode(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

export class UpstreamClient {
  private readonly cooldownUntil = new Map<ProxyUpstream, number>();
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly opts: UpstreamClientOptions) {
    this.fetchImpl = opts.fetchImpl ?? fetch;
  }

  /** Base URL of an upstream (for building request URLs). */
  base(upstream: ProxyUpstream): string {
    return this.opts.bases[upstream];
  }

  private assertUnderBase(upstream: ProxyUpstream, url: URL): void {
    const base = new URL(this.opts.bases[upstream]);
    const prefix = base.pathname.replace(/\/+$/, '');
    if (url.origin !== base.origin || !(url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) {
      throw new ProxyError('internal', `refusing to fetch outside the ${upstream} upstream`, { upstream });
    }
  }

  async get(upstream: ProxyUpstream, url: URL, accept: string): Promise<UpstreamResponse> {
    this.assertUnderBase(upstream, url);
    const now = this.opts.now();
    const until = this.cooldownUntil.get(upstream) ?? 0;
    if (now < until) {
      const retryAfter = Math.ceil((until - now) / 1000);
      throw new ProxyError('upstream_rate_limited', `${upstream} asked us to slow down; retry in ${retryAfter} s`, { upstream, retryAfter });
    }
    const r = this.opts.buckets[upstream].reserve(this.opts.maxWaitMs);
    if (!r.ok) {
      const retryAfter = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw new ProxyError('rate_limited', `the proxy's request budget for ${upstream} is used up; retry in ${retryAfter} s`, {
        upstream,
        retryAfter,
      });
    }
    if (r.waitMs > 0) await sleep(r.waitMs);
    return this.fetchBounded(upstream, url, accept);
  }

  private async fetchBounded(upstream: ProxyUpstream, start: URL, accept: string): Promise<UpstreamResponse> {
    const controller = new AbortController();
    // An object, not a local: it is set from callbacks and read after awaits.
    const aborted: { reason: 'timeout' | 'too_large' | null } = { reason: null };
    const timer = setTimeout(() => {
      aborted.reason = 'timeout';
      controller.abort();
    }, this.opts.timeoutMs);
    const baseOrigin = new URL(this.opts.bases[upstream]).origin;
    let url = start;
    try {
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = { accept, 'user-agent': USER_AGENT };
        const signer = this.opts.signers?.[upstream];
        if (signer) Object.assign(headers, signer('GET', url));
        const res = await this.fetchImpl(url, { method: 'GET', headers, redirect: 'manual', signal: controller.signal });
        if (res.status >= 300 && res.status < 400 && res.status !== 304) {
          await res.body?.cancel();
          const location = res.headers.get('location');
          if (!location) throw new ProxyError('upstream_status', `${upstream} answered ${res.status} without a location`, { upstream, status: res.status });
          let next: URL;
          try {
            next = new URL(location, url);
          } catch {
            throw new ProxyError('upstream_redirect_refused', `${upstream} redirected to an unparseable location`, { upstream, status: res.status });
          }
          if (next.origin !== baseOrigin) {
            throw new ProxyError('upstream_redirect_refused', `${upstream} redirected to another host (${next.protocol}//${next.host}); not followed`, {
              upstream,
              status: res.status,
            });
          }
          if (hop + 1 > this.opts.maxRedirects) {
            throw new ProxyError('upstream_redirect_refused', `${upstream} redirected more than ${this.opts.maxRedirects} times`, { upstream, status: res.status });
          }
          url = next;
          continue;
        }
        if (res.status === 429) {
          await res.body?.cancel();
          const given = parseRetryAfter(res.headers.get('retry-after'), this.opts.now());
          const retryAfter = given ?? this.opts.cooldownSec;
          this.cooldownUntil.set(upstream, this.opts.now() + retryAfter * 1000);
          throw new ProxyError('upstream_rate_limited', `${upstream} rate-limited the proxy (429); retry in ${retryAfter} s`, {
            upstream,
            status: 429,
            retryAfter,
          });
        }
        const contentType = res.headers.get('content-type') ?? '';
        if (/text\/html|application\/xhtml/i.test(contentType)) {
          await res.body?.cancel();
          throw htmlError(upstream, res.status);
        }
        const declared = Number(res.headers.get('content-length') ?? Number.NaN);
        if (Number.isFinite(declared) && declared > this.opts.maxBytes) {
          aborted.reason = 'too_large';
          controller.abort();
          throw tooLarge(upstream, this.opts.maxBytes, res.status);
        }
        const text = await this.readCapped(res, () => {
          aborted.reason = 'too_large';
          controller.abort();
        });
        if (looksLikeHtml(contentType, text)) throw htmlError(upstream, res.status);
        return { status: res.status, contentType, text, url: url.toString() };
      }
    } catch (e) {
      if (e instanceof ProxyError) throw e;
      if (aborted.reason === 'timeout') {
        throw new ProxyError('upstream_timeout', `${upstream} did not answer within ${this.opts.timeoutMs} ms`, { upstream });
      }
      if (aborted.reason === 'too_large') throw tooLarge(upstream, this.opts.maxBytes);
      throw new ProxyError('upstream_unreachable', `${upstream} unreachable (${networkCode(e)})`, { upstream });
    } finally {
      clearTimeout(timer);
    }
  }

  private async readCapped(res: Response, abort: () => void): Promise<string> {
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > this.opts.maxBytes) {
        abort();
        throw new Error('body over cap');
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

function htmlError(upstream: ProxyUpstream, status: number): ProxyError {
  return new ProxyError('upstream_html', `${upstream} answered with an HTML page (HTTP ${status}) instead of data — likely a consent, captcha or error interstitial`, {
    upstream,
    status,
  });
}

function tooLarge(upstream: ProxyUpstream, maxBytes: number, status?: number): ProxyError {
  return new ProxyError('upstream_too_large', `${upstream} response exceeds the ${maxBytes}-byte cap; aborted`, { upstream, status });
}
