/**
 * Scoring (engine-trading §7.2): checks weighted by severity inside a domain (critical 3×,
 * standard 1×, informational 0.5×), UNAVAILABLE checks excluded; a domain with more than half
 * of its checks unavailable has no score; overall = Σ w·score / Σ w over scored domains.
 */
import {
  DOMAIN_INFO,
  type DomainScore,
  HEALTH_DOMAINS,
  type HealthCheckItem,
  type HealthDomain,
  type HealthStatus,
  SEVERITY_WEIGHT,
  STATUS_BANDS,
} from './types';

export function statusFromScore(score: number | null): HealthStatus {
  if (score === null || !Number.isFinite(score)) return 'UNAVAILABLE';
  if (score >= STATUS_BANDS.pass) return 'PASS';
  if (score >= STATUS_BANDS.warn) return 'WARN';
  return 'FAIL';
}

export function domainScore(domain: HealthDomain, checks: readonly HealthCheckItem[]): DomainScore {
  const own = checks.filter((c) => c.domain === domain);
  let sw = 0;
  let sws = 0;
  let available = 0;
  for (const c of own) {
    if (c.status === 'UNAVAILABLE' || c.score === null) continue;
    available++;
    const w = SEVERITY_WEIGHT[c.severity];
    sw += w;
    sws += w * c.score;
  }
  const info = DOMAIN_INFO[domain];
  const enough = own.length > 0 && available * 2 >= own.length;
  const score = enough && sw > 0 ? sws / sw : null;
  return { domain, label: info.label, weight: info.weight, score, status: statusFromScore(score), available, total: own.length };
}

export function overallScore(domains: readonly DomainScore[]): number | null {
  let sw = 0;
  let sws = 0;
  for (const d of domains) {
    if (d.score === null) continue;
    sw += d.weight;
    sws += d.weight * d.score;
  }
  return sw > 0 ? sws / sw : null;
}

export function scoreAll(checks: readonly HealthCheckItem[]): { domains: DomainScore[]; overall: number | null } {
  const domains = HEALTH_DOMAINS.map((d) => domainScore(d, checks));
  return { domains, overall: overallScore(domains) };
}

/** The methodology text the page shows, built from the same constants the scores use. */
export function overallMethodology(): string {
  const parts = HEALTH_DOMAINS.map((d) => `${DOMAIN_INFO[d].label} ${Math.round(DOMAIN_INFO[d].weight * 100)}%`);
  return (
    `Each check scores 0–100. A domain score is the severity-weighted mean of its available checks ` +
    `(critical ${SEVERITY_WEIGHT.critical}×, standard ${SEVERITY_WEIGHT.standard}×, informational ${SEVERITY_WEIGHT.informational}×); ` +
    `UNAVAILABLE checks are excluded, and a domain with more than half of its checks unavailable has no score. ` +
    `The overall score is the weighted mean of the scored domains (${parts.join(', ')}). ` +
    `Bands: ≥ ${STATUS_BANDS.pass} PASS, ≥ ${STATUS_BANDS.warn} WARN, else FAIL.`
  );
}
