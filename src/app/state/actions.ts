import type { JobRecord } from '../../engine/contracts';
import type { AppState } from './app';

/** The long-running worker self-test (System Health button and command palette). */
export function runSelftest(app: AppState): Promise<JobRecord> {
  return app.submitJob({ type: 'selftest', params: { seconds: 20 } });
}

export function latestJobOfType(app: AppState, type: string): JobRecord | undefined {
  return app.jobs().find((j) => j.type === type);
}
