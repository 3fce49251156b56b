/**
 * `import_files`: parses the attached files with the engine, checks them, and stores every
 * (ticker, timeframe) dataset with its quality report in one transaction (see
 * storage/sources/file-import). The files themselves never enter the job's params (those stay
 * JSON: names, sizes, dates); they are handed to the data worker — which also owns DuckDB for
 * Parquet — alongside the job. A job re-run from its params alone has no files and says so.
 */
import { arr, literal, num, obj, optional, str, TIMEFRAMES } from '../../engine/contracts';
import { type ColumnarReaders, type ImportFileData, importFiles } from '../../storage/sources/file-import';
import { MissingImportFilesError } from '../data-api';
import type { JobHandler } from './types';

export { MissingImportFilesError } from '../data-api';

export const importParamsSchema = obj({
  /** links the job to its attached files on the main thread */
  uploadId: str(),
  mode: literal('files', 'folder'),
  timeframe: optional(literal(...TIMEFRAMES)),
  files: arr(
    obj({
      name: str(),
      path: str(),
      size: num({ int: true, min: 0 }),
      lastModified: num({ min: 0 }),
    }),
  ),
});

/** The handler for one import, bound to its attached files and the worker's Parquet reader. */
export function importFilesJob(attached: readonly ImportFileData[] | undefined, readers: ColumnarReaders): JobHandler {
  return async (rawParams, ctx, env) => {
    const p = importParamsSchema(rawParams, 'params');
    if (!attached) throw new MissingImportFilesError('no files are attached to this job');
    if (attached.length !== p.files.length) {
      throw new MissingImportFilesError(`${attached.length} files attached but the job lists ${p.files.length}`);
    }
    const files = p.files.map((ref, i) => {
      const f = attached[i];
      if (f.name !== ref.name || f.size !== ref.size) {
        throw new MissingImportFilesError(`attached file ${i + 1} is ${f.name} (${f.size} bytes), the job lists ${ref.name} (${ref.size} bytes)`);
      }
      return { ...ref, blob: f.blob, bytes: f.bytes };
    });
    const db = await env.db();
    const resultKey = `import/${env.jobId}`;
    const { metas, info } = await importFiles(
      db,
      files,
      {
        mode: p.mode,
        timeframe: p.timeframe,
        storedAt: new Date(env.now()).toISOString(),
        resultKey,
        jobId: env.jobId,
        manifestId: env.manifest.id,
      },
      ctx,
      readers,
    );
    env.log.info(
      `imported ${metas.length} dataset${metas.length === 1 ? '' : 's'} from ${info.files.length} file${info.files.length === 1 ? '' : 's'}: ${metas.map((m) => `${m.id} (${m.rows} bars, ${m.quality})`).join(', ')}`,
      { jobId: env.jobId, context: { datasets: metas.length, skipped: info.skipped.length } },
    );
    return { resultKey };
  };
}

/** Registered for the compute pool, which never receives files: imports run in the data worker. */
export const importFilesHandler: JobHandler = importFilesJob(undefined, {});
