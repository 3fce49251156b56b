/**
 * `import_files`: parses the attached files with the engine, checks them, and stores every
 * (ticker, timeframe) dataset with its quality report in one transaction (see
 * storage/sources/file-import). The files themselves never enter the job's params (those stay
 * JSON: names, sizes, dates); they are handed to the data worker alongside the job. A job
 * re-run from its params alone has no files and says so.
 *
 * Timings go on the worker's performance timeline as measures `qe:import:parse_quality` (read,
 * parse, normalise, quality report of every file) and `qe:import:store` (encode + the one
 * IndexedDB write), each with `detail.jobId`, so a benchmark can tell the two apart.
 */
import { arr, type Json, literal, num, obj, optional, str, TIMEFRAMES } from '../../engine/contracts';
import { type ImportFileData, importFiles } from '../../storage/sources/file-import';
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

export const IMPORT_MEASURES = { parseQuality: 'qe:import:parse_quality', store: 'qe:import:store' } as const;

/** Records the import's two phases on the performance timeline (`monotonic` is performance.now in workers). */
function measure(name: string, start: number, duration: number, detail: { [k: string]: Json }): void {
  if (typeof performance === 'undefined' || typeof performance.measure !== 'function') return;
  // a test clock may start anywhere; the timeline refuses negative times
  if (!(start >= 0 && duration >= 0)) return;
  performance.measure(name, { start, duration, detail });
}

/** The handler for one import, bound to its attached files. */
export function importFilesJob(attached: readonly ImportFileData[] | undefined): JobHandler {
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
    const t0 = env.monotonic();
    const { metas, info, timings } = await importFiles(
      db,
      files,
      {
        mode: p.mode,
        timeframe: p.timeframe,
        storedAt: new Date(env.now()).toISOString(),
        resultKey,
        jobId: env.jobId,
        manifestId: env.manifest.id,
        clock: env.monotonic,
      },
      ctx,
    );
    const rows = metas.reduce((s, m) => s + m.rows, 0);
    const bytes = metas.reduce((s, m) => s + m.bytes, 0);
    if (timings) {
      const detail = { jobId: env.jobId, files: info.files.length, datasets: metas.length, rows, bytes };
      // parse_quality's parts, summed over the files: read + parse + normalise, and the quality reports
      const parts = { csvMs: timings.csvMs, qualityMs: timings.qualityMs };
      measure(IMPORT_MEASURES.parseQuality, t0, timings.parseMs, { ...detail, ...parts });
      measure(IMPORT_MEASURES.store, t0 + timings.parseMs, timings.storeMs, detail);
    }
    env.log.info(
      `imported ${metas.length} dataset${metas.length === 1 ? '' : 's'} from ${info.files.length} file${info.files.length === 1 ? '' : 's'}: ${metas.map((m) => `${m.id} (${m.rows} bars, ${m.quality})`).join(', ')}`,
      {
        jobId: env.jobId,
        context: {
          datasets: metas.length,
          skipped: info.skipped.length,
          ...(timings ? { parseQualityMs: Math.round(timings.parseMs), storeMs: Math.round(timings.storeMs) } : {}),
        },
      },
    );
    return { resultKey };
  };
}

/** Registered for the compute pool, which never receives files: imports run in the data worker. */
export const importFilesHandler: JobHandler = importFilesJob(undefined);
