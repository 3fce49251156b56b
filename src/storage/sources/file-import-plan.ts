/**
 * Which files of an import are data, which are metadata sidecars, and (for a folder) which
 * data file wins when the original system's cache holds several for one ticker. Pure: works
 * on names and paths only.
 *
 * Cache layout (engine-research §1.3): daily canonical `{T}_1d.parquet` + `{T}_1d.meta.json`;
 * IBKR legacy `{T}_daily_{start}_{end}.parquet`; CSV fallbacks `{T}_1d.csv`, `{T}.csv`,
 * `{T}_daily_*.csv`, `{T}_20*.csv`; intraday `{T}_{4hour|1hour|30min|15min|5min|1min}_*.parquet`,
 * `{T}_{tf}_*.parquet`, `{T}_{tf}.parquet`, then CSVs. Sidecars: the canonical
 * `{T}_1d.meta.json` for daily files, else the file-adjacent `<stem>.meta.json` (also
 * `<file>.meta.json`); canonical wins when both exist. `*.quality.json` and files under a
 * `quarantine` folder (rejected by the original quality gate) are not imported.
 */
import type { Json, Timeframe } from '../../engine/contracts';
import { tickerFromFileName } from '../../engine/data/normalize';

export type ImportFormat = 'csv' | 'parquet' | 'arrow';

/** The JSON description of one input file (what a job's params carry). */
export interface ImportFileRef {
  name: string;
  /** path inside the chosen folder (webkitRelativePath), or the name */
  path: string;
  size: number;
  lastModified: number;
}

export type ImportMode = 'files' | 'folder';

export interface PlannedFile {
  /** index into the input list */
  index: number;
  format: ImportFormat;
  /** ticker implied by the name (text before the first `_` or `.`) */
  nameTicker: string;
  /** sidecar chosen for this file (index into the input list), if any */
  sidecar: { index: number; kind: 'canonical' | 'legacy' } | null;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImportPlan {
  files: PlannedFile[];
  skipped: SkippedFile[];
}

export class ImportPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportPlanError';
  }
}

const FORMAT_BY_EXT: Record<string, ImportFormat> = {
  csv: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  arrow: 'arrow',
  arrows: 'arrow',
  ipc: 'arrow',
  feather: 'arrow',
};

export function formatOf(name: string): ImportFormat | null {
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  return FORMAT_BY_EXT[name.slice(dot + 1).toLowerCase()] ?? null;
}

export function isSidecar(name: string): boolean {
  return name.toLowerCase().endsWith('.meta.json');
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(0, i) : '';
}

function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

const INTRADAY_WORDS: Record<string, Timeframe> = {
  '1min': '1m',
  '5min': '5m',
  '15min': '15m',
  '30min': '30m',
  '1hour': '1h',
  '4hour': '4h',
  '1m': '1m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '1h',
  '4h': '4h',
};

/**
 * Cache-layout role of a data file name: the timeframe it holds and its precedence rank
 * (lower wins), or null when the name follows no cache pattern.
 */
export function cacheRole(name: string): { ticker: string; timeframe: Timeframe; rank: number } | null {
  const ext = formatOf(name);
  if (ext !== 'parquet' && ext !== 'csv') return null;
  const stem = stemOf(name);
  const parts = stem.split('_');
  const ticker = parts[0].toUpperCase();
  if (!ticker) return null;
  const isPq = ext === 'parquet';
  // the parts after a timeframe word are dates (`{T}_1hour_{start}_{end}`): a name like
  // `bars_1hour_SPY_AAPL.csv` is not a cache file and must not compete for "BARS"
  const datesFrom = (k: number) => parts.slice(k).every((p) => /^\d/.test(p));
  if (parts.length >= 2 && INTRADAY_WORDS[parts[1].toLowerCase()] && datesFrom(2)) {
    const tf = INTRADAY_WORDS[parts[1].toLowerCase()];
    if (tf) return { ticker, timeframe: tf, rank: (isPq ? 0 : 10) + (parts.length > 2 ? 0 : 1) };
  }
  if (parts.length === 2 && parts[1].toLowerCase() === '1d') return { ticker, timeframe: '1d', rank: isPq ? 0 : 2 };
  if (parts.length >= 3 && parts[1].toLowerCase() === 'daily' && datesFrom(2)) return { ticker, timeframe: '1d', rank: isPq ? 1 : 4 };
  if (!isPq && parts.length === 1 && !stem.includes('.')) return { ticker, timeframe: '1d', rank: 3 };
  if (!isPq && parts.length >= 2 && parts[1].startsWith('20')) return { ticker, timeframe: '1d', rank: 5 };
  return null;
}

/**
 * Plans an import. `files` mode: every data file is imported (an unknown type is an error);
 * `folder` mode: other files are skipped with a reason, and among data files that the cache
 * layout maps to the same (ticker, timeframe) only the highest-precedence one is imported.
 */
export function planImport(files: readonly ImportFileRef[], mode: ImportMode): ImportPlan {
  const skipped: SkippedFile[] = [];
  const byPath = new Map<string, number>();
  files.forEach((f, i) => {
    byPath.set(f.path.toLowerCase(), i);
  });
  const data: PlannedFile[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const segments = f.path.toLowerCase().split('/');
    if (mode === 'folder' && segments.slice(0, -1).includes('quarantine')) {
      skipped.push({ path: f.path, reason: 'in a quarantine folder (rejected by the original quality gate)' });
      continue;
    }
    if (isSidecar(f.name)) continue;
    const format = formatOf(f.name);
    if (format === null) {
      if (mode === 'files') {
        throw new ImportPlanError(
          `${f.name}: not a CSV, Parquet or Arrow IPC file (expected .csv, .parquet, .arrow, .arrows, .ipc or .feather)`,
        );
      }
      if (!f.name.toLowerCase().endsWith('.quality.json') && !f.name.startsWith('.')) {
        skipped.push({ path: f.path, reason: 'not a data file (.csv, .parquet, .arrow, .feather) or a .meta.json sidecar' });
      }
      continue;
    }
    data.push({ index: i, format, nameTicker: tickerFromFileName(f.name), sidecar: findSidecar(f, byPath) });
  }
  const planned = mode === 'folder' ? applyPrecedence(data, files, skipped) : data;
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: planned, skipped };
}

function findSidecar(f: ImportFileRef, byPath: Map<string, number>): PlannedFile['sidecar'] {
  const dir = dirOf(f.path);
  const at = (name: string) => byPath.get((dir ? `${dir}/${name}` : name).toLowerCase());
  const role = cacheRole(f.name);
  if (role && role.timeframe === '1d') {
    const canonical = at(`${role.ticker}_1d.meta.json`);
    if (canonical !== undefined) return { index: canonical, kind: 'canonical' };
  }
  const legacy = at(`${stemOf(f.name)}.meta.json`) ?? at(`${f.name}.meta.json`);
  return legacy === undefined ? null : { index: legacy, kind: 'legacy' };
}

function applyPrecedence(data: PlannedFile[], files: readonly ImportFileRef[], skipped: SkippedFile[]): PlannedFile[] {
  const best = new Map<string, { p: PlannedFile; rank: number }>();
  const keep: PlannedFile[] = [];
  for (const p of data) {
    const role = cacheRole(files[p.index].name);
    if (!role) {
      keep.push(p);
      continue;
    }
    const key = `${role.ticker}|${role.timeframe}`;
    const cur = best.get(key);
    const better =
      !cur || role.rank < cur.rank || (role.rank === cur.rank && files[p.index].path < files[cur.p.index].path);
    if (!cur) best.set(key, { p, rank: role.rank });
    else if (better) {
      skipped.push({ path: files[cur.p.index].path, reason: `superseded by ${files[p.index].path} (cache layout precedence)` });
      best.set(key, { p, rank: role.rank });
    } else {
      skipped.push({ path: files[p.index].path, reason: `superseded by ${files[cur.p.index].path} (cache layout precedence)` });
    }
  }
  const winners = [...best.values()].map((b) => b.p);
  return [...keep, ...winners].sort((a, b) => a.index - b.index);
}

/** What a `.meta.json` sidecar says about its data file (engine-research §1.3). */
export interface SidecarInfo {
  file: string;
  kind: 'canonical' | 'legacy';
  ticker: string | null;
  /** lower-case source ("wrds", "ibkr", …); "unknown" when absent */
  source: string;
  savedAt: string | null;
  permno: string | null;
  /** the whole sidecar object */
  raw: { [k: string]: Json };
}

export class SidecarError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'SidecarError';
  }
}

export function parseSidecar(text: string, file: string, kind: 'canonical' | 'legacy'): SidecarInfo {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new SidecarError(file, `metadata sidecar is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SidecarError(file, 'metadata sidecar must be a JSON object');
  }
  const raw = JSON.parse(JSON.stringify(value)) as { [k: string]: Json };
  const text_ = (k: string): string | null => {
    const v = raw[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return null;
  };
  return {
    file,
    kind,
    ticker: text_('ticker')?.toUpperCase() ?? null,
    source: (text_('source') ?? 'unknown').toLowerCase(),
    savedAt: text_('saved_at_utc'),
    permno: text_('permno'),
    raw,
  };
}

/** Dataset source text: the file, and the sidecar's provenance when there is one. */
export function sourceText(path: string, sidecar: SidecarInfo | null, mode: ImportMode): string {
  if (!sidecar) return mode === 'folder' ? `${path} (no metadata sidecar: source unknown, untrusted)` : path;
  const parts = [`${path} · source ${sidecar.source}`, `sidecar ${sidecar.file} (${sidecar.kind})`];
  if (sidecar.savedAt) parts.push(`saved ${sidecar.savedAt}`);
  if (sidecar.permno) parts.push(`permno ${sidecar.permno}`);
  return parts.join(' · ');
}
