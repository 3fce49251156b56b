import type { Json, ProxyUpstream } from '../engine/contracts';
import { ProxyError } from './errors';
import type { UpstreamResponse } from './upstream';

/** Helpers for reading upstream JSON with errors that name the offending field. */

export type JsonObject = { [k: string]: Json };

export function parseJson(upstream: ProxyUpstream, res: UpstreamResponse): Json {
  try {
    return JSON.parse(res.text) as Json;
  } catch (e) {
    throw new ProxyError('upstream_bad_json', `${upstream} sent malformed JSON (HTTP ${res.status}): ${(e as Error).message.slice(0, 120)}`, {
      upstream,
      status: res.status,
    });
  }
}

/** Parsed JSON, or null when the text is not JSON (for error bodies, where either is fine). */
export function tryParse(text: string): Json | null {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return null;
  }
}

export function badShape(upstream: ProxyUpstream, path: string, expected: string): ProxyError {
  return new ProxyError('upstream_bad_shape', `${upstream} response: ${path} is not ${expected}`, { upstream });
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(upstream: ProxyUpstream, v: unknown, path: string): JsonObject {
  if (!isObject(v)) throw badShape(upstream, path, 'an object');
  return v;
}

export function asArray(upstream: ProxyUpstream, v: unknown, path: string): Json[] {
  if (!Array.isArray(v)) throw badShape(upstream, path, 'an array');
  return v;
}

/** String field; absent or null → null. */
export function optStr(upstream: ProxyUpstream, o: JsonObject, k: string, path: string): string | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badShape(upstream, `${path}.${k}`, 'a string');
  return v;
}

export function reqStr(upstream: ProxyUpstream, o: JsonObject, k: string, path: string): string {
  const v = optStr(upstream, o, k, path);
  if (v === null || v === '') throw badShape(upstream, `${path}.${k}`, 'a non-empty string');
  return v;
}

/** Finite number field; absent or null → null. */
export function optNum(upstream: ProxyUpstream, o: JsonObject, k: string, path: string): number | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badShape(upstream, `${path}.${k}`, 'a number');
  return v;
}

export function optBool(upstream: ProxyUpstream, o: JsonObject, k: string, path: string): boolean | null {
  const v = o[k];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw badShape(upstream, `${path}.${k}`, 'a boolean');
  return v;
}

/** Human-readable error text an upstream put in a JSON error body, if any (bounded length). */
export function upstreamErrorText(text: string): string | null {
  const v = tryParse(text);
  if (!isObject(v)) return null;
  const candidates: unknown[] = [];
  for (const top of ['chart', 'finance']) {
    const t = v[top];
    if (isObject(t) && isObject(t.error)) candidates.push(t.error.description, t.error.code);
  }
  if (isObject(v.error)) candidates.push(v.error.message, v.error.details, v.error.code);
  candidates.push(v.message, v.error);
  const hit = candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  return hit === undefined ? null : hit.slice(0, 200);
}

/** Throws the proxy error for an unsuccessful upstream status (404 → upstream_not_found). */
export function expectOk(upstream: ProxyUpstream, res: UpstreamResponse): void {
  if (res.status >= 200 && res.status < 300) return;
  const detail = upstreamErrorText(res.text);
  const suffix = detail ? `: ${detail}` : '';
  if (res.status === 404) {
    throw new ProxyError('upstream_not_found', `${upstream} has no such resource (404)${suffix}`, { upstream, status: 404 });
  }
  throw new ProxyError('upstream_status', `${upstream} answered HTTP ${res.status}${suffix}`, { upstream, status: res.status });
}
