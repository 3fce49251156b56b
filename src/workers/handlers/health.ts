/**
 * `health_check` job: gathers the catalog, quality reports, strategy registry, gate settings,
 * backtest and model artifacts; runs the health engine; stores the snapshot `health/<jobId>`
 * and appends a point to the trend (registry doc `health/history`, one atomic update).
 * A document that cannot be read is named in the snapshot's warnings and left out.
 */
import type { Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { appendHistory, computeHealth, historyPoint } from '../../engine/health';
import { DEFAULT_GATE } from '../../engine/autopilot/gate';
import type { HealthBacktest, HealthGateSettings, HealthRegistry, HealthModel, HealthWalkForward } from '../../engine/health/types';
import { getArtifact, listArtifacts } from '../../storage/artifacts';
import { LATEST_APPLIED_KEY } from '../../storage/autopilot';
import { listDatasets } from '../../storage/catalog';
import { writeTransaction } from '../../storage/errors';
import { getRegistryDoc } from '../../storage/registry';
import { qualityArtifactKey } from '../../storage/sources/import-types';
import { readHealthHistory } from '../health/backend-ops';
import { healthDataset, readBacktest, readGate, readModel, readQualityReport, readRegistry } from '../health/readers';
import { GATE_SETTINGS_DOC, HEALTH_HISTORY_DOC, HEALTH_SNAPSHOT_PREFIX, type HealthSnapshot, STRATEGY_REGISTRY_DOC } from '../health/view';
import { resultInput } from '../research-results';
import type { JobHandler } from './types';

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** `params.gate` of a stored cycle (`{report: {params: {gate}}}` or `{params: {gate}}`). */
function cycleGate(value: Json): Json | undefined {
  for (const holder of [value, typeof value === 'object' && value !== null && !Array.isArray(value) ? value.report : undefined]) {
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) continue;
    const params = holder.params;
    if (typeof params === 'object' && params !== null && !Array.isArray(params) && params.gate !== undefined) return params.gate;
  }
  return undefined;
}

export const healthHandler: JobHandler = async (_params, ctx, env) => {
  const db = await env.db();
  const warnings: string[] = [];
  const now = env.now();
  ctx.progress(0.05, 'Reading the dataset catalog');
  const metas = await listDatasets(db);
  let qualityReports = 0;
  const datasets = [];
  for (const m of metas) {
    const key = qualityArtifactKey(m.id, m.checksum);
    const rec = await getArtifact(db, key);
    let report = null;
    if (rec) {
      try {
        report = readQualityReport(rec.value, key);
        qualityReports++;
      } catch (e) {
        warnings.push(`Quality report ${key} could not be read: ${msg(e)}`);
      }
    }
    datasets.push(healthDataset(m, report));
  }
  await checkpoint(ctx);

  ctx.progress(0.25, 'Reading the strategy registry');
  let registry: HealthRegistry | null = null;
  let gate: HealthGateSettings | null = null;
  const regDoc = await getRegistryDoc(db, STRATEGY_REGISTRY_DOC);
  if (regDoc) {
    try {
      registry = readRegistry(regDoc.value, STRATEGY_REGISTRY_DOC);
    } catch (e) {
      warnings.push(`Strategy registry could not be read (promotion checks unavailable): ${msg(e)}`);
    }
    const embedded = typeof regDoc.value === 'object' && regDoc.value !== null && !Array.isArray(regDoc.value) ? regDoc.value.gate : undefined;
    if (embedded !== undefined) {
      try {
        gate = readGate(embedded, `${STRATEGY_REGISTRY_DOC}.gate`);
      } catch (e) {
        warnings.push(`Gate settings could not be read: ${msg(e)}`);
      }
    }
  }
  if (!gate) {
    const gateDoc = await getRegistryDoc(db, GATE_SETTINGS_DOC);
    if (gateDoc) {
      try {
        gate = readGate(gateDoc.value, GATE_SETTINGS_DOC);
      } catch (e) {
        warnings.push(`Gate settings could not be read: ${msg(e)}`);
      }
    }
  }
  if (!gate) {
    // The gate in force: the engine's defaults with the overrides of the latest applied cycle.
    let overrides: HealthGateSettings = {};
    const ptr = await getRegistryDoc(db, LATEST_APPLIED_KEY);
    const cycleKey = ptr && typeof ptr.value === 'object' && ptr.value !== null && !Array.isArray(ptr.value) ? ptr.value.key : undefined;
    if (typeof cycleKey === 'string') {
      const cycle = await getArtifact(db, cycleKey);
      const g = cycle ? cycleGate(cycle.value) : undefined;
      if (g !== undefined) {
        try {
          overrides = readGate(g, `${cycleKey} params.gate`);
        } catch (e) {
          warnings.push(`Gate overrides of ${cycleKey} could not be read: ${msg(e)}`);
        }
      }
    }
    gate = { ...(DEFAULT_GATE as unknown as HealthGateSettings), ...overrides };
  }

  ctx.progress(0.4, 'Reading backtests');
  const backtests: HealthBacktest[] = [];
  const walkForward: HealthWalkForward[] = [];
  for (const rec of await listArtifacts(db, 'backtest/')) {
    try {
      const r = readBacktest(rec.value, rec.key, rec.createdAt);
      backtests.push(r.backtest);
      if (r.walkForward) walkForward.push(r.walkForward);
    } catch (e) {
      warnings.push(`Backtest ${rec.key} could not be read: ${msg(e)}`);
    }
  }
  await checkpoint(ctx);

  ctx.progress(0.6, 'Reading model training reports');
  const models: HealthModel[] = [];
  // Training runs (`train/<jobId>`, each with its `qe train`-shaped report), plus model versions
  // (`model/<id>`) whose training run is no longer stored — one entry per training, not two.
  const trainRuns = await listArtifacts(db, 'train/');
  const trainJobs = new Set(trainRuns.map((r) => r.jobId ?? r.key.slice('train/'.length)));
  const versionJob = (v: Json) => (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.jobId === 'string' ? v.jobId : undefined);
  const versions = (await listArtifacts(db, 'model/')).filter((r) => !trainJobs.has(r.jobId ?? versionJob(r.value) ?? ''));
  const modelRecords = [...trainRuns, ...versions];
  for (const rec of modelRecords) {
    try {
      const r = readModel(rec.value, rec.key, rec.createdAt);
      if (!r) continue; // not a training report (e.g. a pointer or a prediction set)
      models.push(r.model);
      if (r.walkForward) walkForward.push(r.walkForward);
    } catch (e) {
      warnings.push(`Model artifact ${rec.key} could not be read: ${msg(e)}`);
    }
  }
  await checkpoint(ctx);

  ctx.progress(0.8, 'Scoring');
  const report = computeHealth({ now, datasets, registry, gate, backtests, models, walkForward });
  const computedAt = new Date(now).toISOString();
  const key = `${HEALTH_SNAPSHOT_PREFIX}${env.jobId}`;
  const sources = { datasets: metas.length, qualityReports, backtests: backtests.length, models: models.length, registry: registry !== null, gate: gate !== null };
  // Snapshot and trend point in ONE transaction: a failed write leaves neither, and two
  // health runs never drop each other's point.
  await writeTransaction(db, ['registry', 'artifacts'], `health snapshot ${key}`, async (tx) => {
    const reg = tx.objectStore('registry');
    const history = appendHistory(readHealthHistory((await reg.get(HEALTH_HISTORY_DOC))?.value), historyPoint(report));
    await reg.put({ key: HEALTH_HISTORY_DOC, updatedAt: computedAt, value: { points: history as unknown as Json } });
    const snapshot: HealthSnapshot = {
      report,
      history,
      sources,
      inputs: metas.map((m) => resultInput(m, 'dataset')),
      warnings,
      manifestId: env.manifest.id,
      computedAt,
    };
    await tx.objectStore('artifacts').put({ key, createdAt: computedAt, value: snapshot as unknown as Json, jobId: env.jobId, manifestId: env.manifest.id });
  });
  for (const w of warnings) env.log.warning(w, { jobId: env.jobId });
  env.log.info(
    `health check: overall ${report.overall_score === null ? 'N/A' : report.overall_score.toFixed(1)} (${report.overall_status}) over ${metas.length} datasets, ${backtests.length} backtests, ${models.length} models`,
    { jobId: env.jobId },
  );
  ctx.progress(1, 'Done');
  return { resultKey: key };
};
