/** Colour and text conventions of the health page (ui-pages §2). */
import type { HealthSeverity, HealthStatus } from '../../../workers/health/view';

/** Score-card colour: > 80 green, > 50 amber, else red; null grey. */
export function scoreColor(score: number | null): string {
  if (score === null) return 'var(--text-muted)';
  if (score > 80) return 'var(--accent-green)';
  if (score > 50) return 'var(--accent-amber)';
  return 'var(--accent-red)';
}

export function statusClass(s: HealthStatus): string {
  switch (s) {
    case 'PASS':
      return 'st-pass';
    case 'WARN':
      return 'st-warn';
    case 'FAIL':
    case 'CRITICAL':
      return 'st-fail';
    case 'UNAVAILABLE':
      return 'st-unchecked';
  }
}

export function statusDot(s: HealthStatus): string {
  switch (s) {
    case 'PASS':
      return 'dot ok';
    case 'WARN':
      return 'dot warn';
    case 'FAIL':
    case 'CRITICAL':
      return 'dot bad';
    case 'UNAVAILABLE':
      return 'dot';
  }
}

export const SEVERITY_TAG: Record<HealthSeverity, string> = { critical: 'CRIT', standard: 'STD', informational: 'INFO' };

export function formatScore(score: number | null): string | null {
  return score === null ? null : `${Math.round(score)}/100`;
}
