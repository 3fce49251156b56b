/** Checks that the optional Node proxy answers, with an error that says what went wrong. */
import { proxyHealthSchema } from '../engine/contracts/proxy';
import { SchemaError } from '../engine/contracts';

export type ProxyPingFailure = 'invalid_url' | 'unreachable' | 'timeout' | 'bad_status' | 'bad_response';

export class ProxyPingError extends Error {
  constructor(
    readonly kind: ProxyPingFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyPingError';
  }
}

export const PROXY_PING_TIMEOUT_MS = 5000;

export async function pingProxy(
  url: string,
  opts: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<{ ok: true; version: string }> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new ProxyPingError('invalid_url', `"${url}" is not a URL; expected something like http://127.0.0.1:8787`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ProxyPingError('invalid_url', `proxy URL must start with http:// or https:// (got ${base.protocol})`);
  }
  const health = `${url.replace(/\/+$/, '')}/health`;
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? PROXY_PING_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let res: Response;
  try {
    res = await doFetch(health, { signal: controller.signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (timedOut) throw new ProxyPingError('timeout', `proxy at ${url} did not answer within ${timeoutMs / 1000} s`);
    throw new ProxyPingError(
      'unreachable',
      `proxy at ${url} is unreachable (${e instanceof Error ? e.message : String(e)}). Is it running? Start it with "npm run proxy".`,
    );
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    throw new ProxyPingError('bad_status', `proxy at ${url} answered ${res.status} ${res.statusText} to GET /health`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ProxyPingError('bad_response', `proxy at ${url} answered GET /health with something that is not JSON — is this really the Quant Engine proxy?`);
  }
  try {
    const h = proxyHealthSchema(body, 'health');
    return { ok: true, version: h.version };
  } catch (e) {
    if (e instanceof SchemaError) {
      throw new ProxyPingError('bad_response', `proxy at ${url} answered GET /health with an unexpected shape: ${e.message}`);
    }
    throw e;
  }
}
