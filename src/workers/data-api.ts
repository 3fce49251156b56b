/**
 * App-facing types of data import, live fetch, export and resampling (part of the `Backend`
 * contract in ./api). Light on purpose: the main thread imports it.
 */
import type { Timeframe } from '../engine/contracts';

export {
  type ImportResultInfo,
  MAX_IMPORT_FILE_BYTES,
  type OffendingRows,
  QUALITY_ARTIFACT_PREFIX,
  type QualityArtifact,
  qualityArtifactKey,
} from '../storage/sources/import-types';

/** One file handed to `Backend.importFiles` (a `File`, or any Blob with a name). */
export interface ImportFileInput {
  blob: Blob;
  name: string;
  /** path inside a chosen folder (webkitRelativePath / drag-and-drop entry path); defaults to name */
  path?: string;
  lastModified?: number;
}

export interface ImportFilesOptions {
  /** bar timeframe to store; default: detected from the timestamps */
  timeframe?: Timeframe;
  /** 'folder': the original system's cache layout (sidecars, precedence; non-data files skipped) */
  mode?: 'files' | 'folder';
}

export const LIVE_PROVIDERS = ['yahoo', 'stooq'] as const;
export type LiveProvider = (typeof LIVE_PROVIDERS)[number];

/** Timeframes a live fetch can ask for (Yahoo intervals with a stored equivalent; Stooq: daily). */
export const LIVE_TIMEFRAMES: Record<LiveProvider, readonly Timeframe[]> = {
  yahoo: ['1d', '1h', '30m', '15m', '5m', '1m'],
  stooq: ['1d'],
};

export const LIVE_RANGES = ['5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'max'] as const;
export type LiveRange = (typeof LIVE_RANGES)[number];

/** Longest history Yahoo serves per interval (its documented limits), as the default range. */
export function defaultLiveRange(tf: Timeframe): LiveRange {
  switch (tf) {
    case '1m':
      return '5d';
    case '5m':
    case '15m':
    case '30m':
      return '1mo';
    case '1h':
    case '4h':
      return '6mo';
    case '1d':
      return '5y';
  }
}

export interface LiveFetchRequest {
  provider: LiveProvider;
  ticker: string;
  timeframe: Timeframe;
  /** Yahoo only */
  range?: LiveRange;
}

/** Params of a `fetch` job (JSON; the proxy URL is the one in Settings at submission). */
export interface FetchJobParams {
  provider: LiveProvider;
  ticker: string;
  timeframe: Timeframe;
  range?: LiveRange;
  proxyUrl: string;
  /** per-request timeout (default 30 s) */
  timeoutMs?: number;
}

/** Result artifact of a successful `fetch` job (`fetch/<jobId>`). */
export interface FetchResultInfo {
  datasetId: string;
  checksum: string;
  provider: LiveProvider;
  ticker: string;
  timeframe: Timeframe;
  /** proxy's cache state: 'stale' = an older copy the proxy served because the upstream failed */
  cache: 'hit' | 'miss' | 'stale';
  fetchedAt: string;
  warnings: string[];
}

export type ExportFormat = 'csv' | 'parquet';

export interface ExportedFile {
  bytes: ArrayBuffer;
  mime: string;
  rows: number;
}


/** An import job without its files (imports cannot be re-run from their JSON params). */
export class MissingImportFilesError extends Error {
  constructor(detail: string) {
    super(`import_files: ${detail}. Imports cannot be re-run from their parameters: choose the files again in Data Explorer.`);
    this.name = 'MissingImportFilesError';
  }
}
