/**
 * Structured request logs (one JSON object per line). Anything that may carry a secret is
 * redacted before it is written: query parameters and fields whose names look like
 * credentials, and the configured secret values wherever they appear.
 */

export type LogSink = (line: string) => void;

/** Names that may carry credentials (`key` covers apikey, api_key, access_key, key_id…). */
const SECRET_NAME = /authorization|cookie|key|token|secret|passw|signature|session|auth/i;

export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * Parameters of the proxy's own routes: public identifiers (tickers, ranges, cursors, limits).
 * A request that carries any other name is refused anyway, but its line is still logged —
 * with that value hidden, since an unknown name may be a credential pasted by mistake
 * (`?pass=`, `?pwd=`, `?sig=` do not all look like secrets).
 */
const PUBLIC_PARAMS: ReadonlySet<string> = new Set([
  'ticker', 'interval', 'range', 'period1', 'period2', 'start', 'end',
  'category', 'cursor', 'limit', 'all', 'series_ticker', 'event_ticker', 'status', 'tickers',
  'min_close_ts', 'max_close_ts', 'depth', 'start_ts', 'end_ts', 'period_interval',
]);

/** Path plus query with the values of secret-named and unknown parameters replaced (route parameters kept verbatim). */
export function redactUrl(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return pathAndQuery;
  const pairs = pathAndQuery
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // Undecodable name: cannot tell what it is, so hide its value.
        return `${rawName}=${REDACTED}`;
      }
      // A bare unknown word may itself be the pasted credential.
      if (eq < 0) return PUBLIC_PARAMS.has(name) ? pair : REDACTED;
      return isSecretName(name) || !PUBLIC_PARAMS.has(name) ? `${rawName}=${REDACTED}` : pair;
    });
  return `${pathAndQuery.slice(0, q)}?${pairs.join('&')}`;
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * JSON-lines logger. `secrets` are literal values (keys, signatures) scrubbed from every line
 * as a last line of defence; fields with secret-looking names are dropped to `[redacted]`.
 */
export function createLogger(sink: LogSink, now: () => number, secrets: () => readonly string[] = () => []): Logger {
  const write = (level: string, msg: string, fields: Record<string, unknown> = {}) => {
    const safe: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) safe[k] = isSecretName(k) ? REDACTED : v;
    let line = JSON.stringify({ ts: new Date(now()).toISOString(), level, msg, ...safe });
    for (const s of secrets()) {
      if (s.length >= 4) line = line.split(s).join(REDACTED);
    }
    sink(line);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
