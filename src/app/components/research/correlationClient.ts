/**
 * Main-thread side of correlation.worker: one lazily started worker per client, requests
 * matched to responses by id, a failed or crashed worker rejects every pending request with
 * the reason (never a silent empty heatmap). `dispose()` terminates it and drops pending requests
 * unanswered: it runs when their view unmounts, so nobody is left waiting for them.
 */
import type { CorrelationRequest, CorrelationResponse } from './correlation.worker';

export interface CorrelationResult {
  idx: number[];
  values: Float64Array;
  /** compute time inside the worker */
  ms: number;
}

export interface CorrelationClient {
  compute(columns: readonly Float64Array[], pick: CorrelationRequest['pick'], k: number): Promise<CorrelationResult>;
  dispose(): void;
}

export function createCorrelationClient(): CorrelationClient {
  let worker: Worker | null = null;
  let seq = 0;
  const pending = new Map<number, { resolve: (r: CorrelationResult) => void; reject: (e: Error) => void }>();
  const failAll = (why: string) => {
    for (const p of pending.values()) p.reject(new Error(why));
    pending.clear();
  };
  const start = (): Worker => {
    if (worker) return worker;
    const w = new Worker(new URL('./correlation.worker.ts', import.meta.url), { type: 'module', name: 'qe-correlation' });
    w.onmessage = (e: MessageEvent<CorrelationResponse>) => {
      const r = e.data;
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if (r.ok) p.resolve({ idx: r.idx, values: r.values, ms: r.ms });
      else p.reject(new Error(`correlation worker: ${r.error}`));
    };
    w.onerror = (e) => {
      e.preventDefault();
      failAll(`correlation worker crashed: ${e.message || 'unknown error'}`);
      w.terminate();
      worker = null;
    };
    worker = w;
    return w;
  };
  return {
    compute(columns, pick, k) {
      const id = ++seq;
      return new Promise<CorrelationResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Copies (structured clone): the stored view keeps its own columns.
        start().postMessage({ id, columns: [...columns], pick, k } satisfies CorrelationRequest);
      });
    },
    dispose() {
      pending.clear();
      worker?.terminate();
      worker = null;
    },
  };
}
