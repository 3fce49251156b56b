/**
 * Text of the research tables: feature values (NaN empty, real minus sign, precision by
 * magnitude), bar timestamps by timeframe, and the CSV of a whole feature table (raw values,
 * ISO dates, oldest row first — spec §15).
 */
import { type CsvCell, toCsv } from './csv';

/** Feature cell text: "" for NaN, then 4 decimals below 1, 3 below 1,000, 1 above, exponent beyond 1e7. */
export function formatFeatureValue(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  let s: string;
  if (a !== 0 && (a >= 1e7 || a < 1e-4)) s = a.toExponential(2);
  else if (a >= 1000) s = a.toFixed(1);
  else if (a >= 1) s = a.toFixed(3);
  else s = a.toFixed(4);
  return v < 0 ? `−${s}` : s;
}

/** The timeframe of a dataset id `TICKER|tf` (`1d` when the id has none). */
export function timeframeOf(datasetId: string): string {
  const i = datasetId.lastIndexOf('|');
  return i >= 0 ? datasetId.slice(i + 1) : '1d';
}

/** Bar timestamp text: the ISO day for daily bars, "YYYY-MM-DD HH:MM" (UTC) for intraday ones. */
export function barTimeFormatter(timeframe: string): (ms: number) => string {
  const daily = timeframe.endsWith('d');
  return (ms) => {
    if (!Number.isFinite(ms)) return '—';
    const iso = new Date(ms).toISOString();
    return daily ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  };
}

/** Unit of a duration in bars: "days" for daily bars, otherwise "bars". */
export function barUnit(timeframe: string): string {
  return timeframe === '1d' ? 'days' : 'bars';
}

/** RFC-4180 CSV of a feature table: `date` (ISO) then one column per feature, NaN empty. */
export function featureTableCsv(
  names: readonly string[],
  dates: Float64Array,
  columns: readonly Float64Array[],
  formatDate: (ms: number) => string,
): string {
  if (columns.length !== names.length) throw new Error(`featureTableCsv: ${names.length} names but ${columns.length} columns`);
  const rows: CsvCell[][] = new Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const r: CsvCell[] = new Array(names.length + 1);
    r[0] = formatDate(dates[t]);
    for (let j = 0; j < columns.length; j++) r[j + 1] = columns[j][t];
    rows[t] = r;
  }
  return toCsv(['date', ...names], rows);
}

/** Offers `text` as a file download (a transient object URL). */
export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
