/**
 * Light types shared by the importer (storage, workers) and the app: the stored quality
 * artifact, the import job's result record and their keys. No runtime dependencies.
 */
import type { Json, Timeframe } from '../../engine/contracts';

/** Largest single file an import accepts (its columns must fit in the worker's memory). */
export const MAX_IMPORT_FILE_BYTES = 1024 * 1024 * 1024;

/** Result artifact of a successful `import_files` job (`import/<jobId>`). */
export interface ImportResultInfo {
  datasets: { id: string; rows: number; quality: string; checksum: string; source: string; replaced: boolean }[];
  files: { path: string; format: string; rows: number; tickers: string[]; timeframe: string; sidecar: string | null }[];
  skipped: { path: string; reason: string }[];
  warnings: string[];
}

export const QUALITY_ARTIFACT_PREFIX = 'quality/';

/** Quality report artifact of one stored dataset version. */
export function qualityArtifactKey(datasetId: string, checksum: string): string {
  return `${QUALITY_ARTIFACT_PREFIX}${datasetId}/${checksum}`;
}

/** Offending rows of one check: 0-based rows of the input and, when stored, the bar index. */
export interface OffendingRows {
  /** 0-based data rows of the input (header excluded) */
  file: number[];
  /** index of the stored bar for each file row, −1 when the row is not stored (not in C) */
  bars: number[];
  /** rows beyond the stored cap */
  truncated: number;
}

/** The stored quality artifact (`qualityArtifactKey`), as the page reads it. */
export interface QualityArtifact {
  datasetId: string;
  checksum: string;
  /** the input the report was computed from (file path, or provider response) */
  input: string;
  kind: 'daily' | 'intraday';
  timeframe: Timeframe;
  adjCloseUsed: boolean;
  columns: { [field: string]: string | null };
  /** the contract's A.3 report object incl. `status` and `issues` */
  report: { [k: string]: Json };
  /** check name → offending rows; missing values per column as `missing_values.<col>` */
  rows: { [check: string]: OffendingRows };
  dates: { missing_weekdays: string[]; weekend_dates: string[]; short_sessions: string[] };
  computedAt: string;
}
