/** Building blocks of a check: its fixed definition plus a measurement (or why there is none). */
import { statusFromScore } from './scoring';
import type { HealthCheckItem, HealthDomain, HealthSeverity } from './types';

export interface CheckDef {
  id: string;
  name: string;
  domain: HealthDomain;
  severity: HealthSeverity;
  methodology: string;
  thresholds: Record<string, number>;
}

export interface Measurement {
  score: number;
  raw: number | null;
  value: string;
  detail: string;
  recommendation?: string;
}

/** Score of the first band whose predicate holds, else the last (else-branch) score. */
export function band(x: number, bands: readonly (readonly [(v: number) => boolean, number])[], otherwise: number): number {
  for (const [when, score] of bands) if (when(x)) return score;
  return otherwise;
}

/**
 * A measured check. A critical check scoring below 25 is CRITICAL rather than FAIL: that is a
 * defect that can invalidate every result downstream (look-ahead, no costs, failed data).
 */
export function measured(def: CheckDef, m: Measurement): HealthCheckItem {
  const base = statusFromScore(m.score);
  const status = def.severity === 'critical' && m.score < 25 ? 'CRITICAL' : base;
  return {
    id: def.id,
    name: def.name,
    domain: def.domain,
    status,
    score: m.score,
    severity: def.severity,
    detail: m.detail,
    value: m.value,
    recommendation: m.recommendation ?? null,
    methodology: def.methodology,
    thresholds: def.thresholds,
    raw_value: m.raw !== null && Number.isFinite(m.raw) ? m.raw : null,
    data_available: true,
  };
}

export function unavailable(def: CheckDef, why: string, recommendation: string | null = null): HealthCheckItem {
  return {
    id: def.id,
    name: def.name,
    domain: def.domain,
    status: 'UNAVAILABLE',
    score: null,
    severity: def.severity,
    detail: why,
    value: null,
    recommendation,
    methodology: def.methodology,
    thresholds: def.thresholds,
    raw_value: null,
    data_available: false,
  };
}

export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : Number.NaN;
}

export const DAY_MS = 86_400_000;
