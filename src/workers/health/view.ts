/** The stored health snapshot (`health/<jobId>`) as the page reads it. Types only. */
import type { HealthHistoryPoint, HealthReport } from '../../engine/health/types';
import type { ResultInput } from '../api';

export type {
  CacheAgeRow,
  DomainScore,
  HealthCheckItem,
  HealthDomain,
  HealthHistoryPoint,
  HealthReport,
  HealthSeverity,
  HealthStatus,
  WfWindow,
} from '../../engine/health/types';

export const HEALTH_SNAPSHOT_PREFIX = 'health/';
/** Registry document holding the trend (one point per health run, ≤ 90). */
export const HEALTH_HISTORY_DOC = 'health/history';
export const STRATEGY_REGISTRY_DOC = 'autopilot/strategies';
/** Optional separate gate-settings document (the strategies doc may also carry `gate`). */
export const GATE_SETTINGS_DOC = 'autopilot/gate';

export interface HealthSnapshot {
  report: HealthReport;
  /** the trend including this run */
  history: HealthHistoryPoint[];
  /** what was read: artifact counts by kind */
  sources: { datasets: number; qualityReports: number; backtests: number; models: number; registry: boolean; gate: boolean };
  inputs: ResultInput[];
  warnings: string[];
  manifestId: string;
  computedAt: string;
}
