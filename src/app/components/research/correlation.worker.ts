/**
 * Off-main-thread correlation of feature columns for the Model Lab heatmap (a cold
 * pairwise-complete pass over thousands of rows can exceed a frame on the main thread).
 * Protocol: one request → one response with the same id.
 */
import { correlationMatrix, topByVariance } from '../../lib/research-stats';

export interface CorrelationRequest {
  id: number;
  columns: Float64Array[];
  /** 'top': the k columns with the largest variance; 'first': the first k columns */
  pick: 'top' | 'first';
  k: number;
}

export type CorrelationResponse =
  | { id: number; ok: true; idx: number[]; values: Float64Array; ms: number }
  | { id: number; ok: false; error: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CorrelationRequest>) => void) | null;
  postMessage(msg: CorrelationResponse, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  const { id, columns, pick, k } = e.data;
  try {
    const t0 = performance.now();
    const idx = pick === 'top' ? topByVariance(columns, k) : columns.slice(0, k).map((_, i) => i);
    const values = correlationMatrix(idx.map((i) => columns[i]));
    scope.postMessage({ id, ok: true, idx, values, ms: performance.now() - t0 }, [values.buffer]);
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
