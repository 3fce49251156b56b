/** `data_load`: brings a dataset into the durable store. Only the demo source exists so far. */
import { str } from '../../engine/contracts';
import { putArtifact } from '../../storage/artifacts';
import { loadDemoDataset } from '../../storage/sources/demo';
import type { JobHandler } from './types';

export const SUPPORTED_DATA_SOURCES = ['demo'] as const;

export class UnsupportedSourceError extends Error {
  constructor(source: unknown) {
    super(
      `data_load: source ${JSON.stringify(source)} is not supported yet (supported: ${SUPPORTED_DATA_SOURCES.join(', ')}). ` +
        'Import files from Data Explorer instead.',
    );
    this.name = 'UnsupportedSourceError';
  }
}

export const dataLoadHandler: JobHandler = async (params, ctx, env) => {
  const source = params.source;
  if (source !== 'demo') throw new UnsupportedSourceError(source);
  const key = params.key === undefined ? undefined : str()(params.key, 'params.key');
  const db = await env.db();
  const metas = await loadDemoDataset(db, ctx, { key, storedAt: new Date(env.now()).toISOString() });
  const resultKey = `data_load/${env.jobId}`;
  await putArtifact(
    db,
    resultKey,
    {
      source: 'demo',
      datasets: metas.map((m) => ({ id: m.id, rows: m.rows, checksum: m.checksum, first: m.first, last: m.last })),
    },
    new Date(env.now()).toISOString(),
    { jobId: env.jobId, manifestId: env.manifest.id },
  );
  env.log.info(`loaded ${metas.length} demo datasets`, { jobId: env.jobId, context: { datasets: metas.length } });
  return { resultKey };
};
