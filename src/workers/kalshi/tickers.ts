/** Kalshi ticker syntax as the proxy accepts it (src/proxy/params.ts KALSHI_TICKER_RE). */
export const KALSHI_TICKER_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;
