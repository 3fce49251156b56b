/** Trace ids correlate an on-screen error with its log record ("View logs" link). */
export function newTraceId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID().replace(/-/g, '').slice(0, 16);
  const bytes = new Uint8Array(8);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e);
  } catch (jsonErr) {
    return `unprintable error (${String(jsonErr)})`;
  }
}
