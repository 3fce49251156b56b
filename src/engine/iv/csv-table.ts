/**
 * Small CSV reader/writer for the options tools (CLI and file import of option rows):
 * RFC-4180 quoting, optional BOM, CRLF or LF, blank lines skipped. Errors name the line,
 * data row and field. Numbers are written in shortest round-trip form; NaN/±inf as empty.
 */

/** A cell or header as quoted in a message: bounded, so a huge cell is never echoed whole. */
function shown(v: unknown, max = 60): string {
  const t = String(v);
  return t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t;
}

export class CsvInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvInputError';
  }
}

export interface CsvTable {
  /** header names as written (trimmed) */
  header: string[];
  rows: string[][];
  /** 1-based file line of each row */
  lines: number[];
}

export function parseCsv(text: string, source = 'input'): CsvTable {
  const records: string[][] = [];
  const lines: number[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let field = '';
  let record: string[] = [];
  let recordLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    record.push(field);
    const blank = record.length === 1 && record[0].trim() === '';
    if (!blank) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvInputError(`${source}: unterminated quoted field starting on line ${recordLine}`);
  if (field !== '' || record.length > 0) endRecord();
  if (records.length === 0) throw new CsvInputError(`${source}: empty file (no header row)`);
  const header = records[0].map((h) => h.trim());
  const rows = records.slice(1);
  const rowLines = lines.slice(1);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== header.length) {
      throw new CsvInputError(
        `${source}: line ${rowLines[r]} (data row ${r + 1}) has ${rows[r].length} fields, header has ${header.length}`,
      );
    }
  }
  return { header, rows, lines: rowLines };
}

/** Header name normalisation: trim, lower-case, runs of spaces/hyphens → '_'. */
export function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Column indices of the required fields, or an error listing the missing ones. */
export function requireColumns(table: CsvTable, names: readonly string[], source = 'input'): number[] {
  const norm = table.header.map(normaliseName);
  const missing: string[] = [];
  const idx = names.map((n) => {
    const i = norm.indexOf(n);
    if (i < 0) missing.push(n);
    return i;
  });
  if (missing.length > 0) {
    throw new CsvInputError(
      `${source}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${shown(table.header.join(','), 200)})`,
    );
  }
  return idx;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function where(table: CsvTable, row: number, col: number, source: string): string {
  return `${source}: line ${table.lines[row]} (data row ${row + 1}), field "${shown(table.header[col])}"`;
}

/**
 * A numeric field: empty, "nan" or a non-finite value → NaN (missing); text that is not a
 * number → CsvInputError naming the row and field.
 */
export function numberField(table: CsvTable, row: number, col: number, source = 'input'): number {
  const text = table.rows[row][col].trim();
  if (text === '' || /^[+-]?(nan|inf|infinity)$/i.test(text)) return Number.NaN;
  if (!NUMBER_RE.test(text)) throw new CsvInputError(`${where(table, row, col, source)}: "${shown(text)}" is not a number`);
  const v = Number(text);
  return Number.isFinite(v) ? v : Number.NaN;
}

/** A numeric field that must be present. */
export function requiredNumberField(table: CsvTable, row: number, col: number, source = 'input'): number {
  const v = numberField(table, row, col, source);
  if (Number.isNaN(v)) throw new CsvInputError(`${where(table, row, col, source)}: a number is required`);
  return v;
}

/** Option type: call/put/c/p (any case). */
export function optionTypeField(table: CsvTable, row: number, col: number, source = 'input'): boolean {
  const text = table.rows[row][col].trim().toLowerCase();
  if (text === 'call' || text === 'c') return true;
  if (text === 'put' || text === 'p') return false;
  throw new CsvInputError(`${where(table, row, col, source)}: "${shown(table.rows[row][col])}" is not call or put`);
}

/** Shortest round-trip decimal; NaN and ±inf → empty (missing). */
export function formatNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** RFC-4180 field quoting. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
