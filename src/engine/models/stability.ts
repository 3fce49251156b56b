/**
 * Feature-importance stability (spec §4.7): the top-k features by importance per fold (or
 * training cycle); stability between two lists is the Spearman correlation of their rank
 * vectors over the union of both lists, a feature absent from a list ranking len + 1.
 * Alert below 0.5. Reported against the previous list, against the first, and on average.
 */
import { spearman } from './metrics';

export const STABILITY_TOP_K = 30;
export const STABILITY_ALERT = 0.5;

/** Feature names ordered by importance (descending; ties by name), at most k, zeros dropped. */
export function topFeatures(importance: ArrayLike<number>, names: readonly string[], k = STABILITY_TOP_K): string[] {
  if (importance.length !== names.length) throw new Error(`topFeatures: ${importance.length} importances for ${names.length} names`);
  return names
    .map((name, j) => ({ name, v: importance[j] }))
    .filter((e) => Number.isFinite(e.v) && e.v > 0)
    .sort((a, b) => b.v - a.v || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, k)
    .map((e) => e.name);
}

/** Spearman correlation of two ranked lists over their union (NaN if the union has < 2 names). */
export function rankStability(a: readonly string[], b: readonly string[]): number {
  const union = [...new Set([...a, ...b])].sort();
  if (union.length < 2) return Number.NaN;
  const rank = (list: readonly string[], name: string) => {
    const i = list.indexOf(name);
    return i < 0 ? list.length + 1 : i + 1;
  };
  return spearman(
    union.map((n) => rank(a, n)),
    union.map((n) => rank(b, n)),
  );
}

export interface StabilityReport {
  /** top-k names per fold/cycle */
  top: string[][];
  /** stability of each list vs the previous one (first entry NaN) */
  vsPrevious: number[];
  /** stability of each list vs the first one */
  vsFirst: number[];
  /** mean of the finite vsPrevious values */
  mean: number;
  /** true when the latest vsPrevious is below the alert threshold */
  alert: boolean;
}

export function importanceStability(importances: readonly ArrayLike<number>[], names: readonly string[], k = STABILITY_TOP_K): StabilityReport {
  const top = importances.map((imp) => topFeatures(imp, names, k));
  const vsPrevious = top.map((t, i) => (i === 0 ? Number.NaN : rankStability(top[i - 1], t)));
  const vsFirst = top.map((t) => rankStability(top[0], t));
  const finite = vsPrevious.filter(Number.isFinite);
  const mean = finite.length ? finite.reduce((s, v) => s + v, 0) / finite.length : Number.NaN;
  const last = vsPrevious[vsPrevious.length - 1];
  return { top, vsPrevious, vsFirst, mean, alert: Number.isFinite(last) && last < STABILITY_ALERT };
}
