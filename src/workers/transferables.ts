/**
 * The ArrayBuffers inside a structured-cloneable value, for a transfer list: heavy typed
 * arrays then move between threads instead of being copied. Only the sender's own results
 * should be passed here — transferring detaches the buffers on the sending side.
 */
const MAX_DEPTH = 8;

export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      // SharedArrayBuffers are shared, not transferred; an empty or detached buffer has nothing to move.
      if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0) found.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      if (v.byteLength > 0) found.add(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        walk(k, depth + 1);
        walk(x, depth + 1);
      }
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return; // Blobs, Dates, … are cloned as they are
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return [...found];
}
