/**
 * The one error type the import path throws for bad input. Callers (CLI, worker, UI) can rely
 * on `instanceof ImportError` and show `message` as-is: it always starts with the file name
 * and, where one exists, names the row (1-based data row, header excluded), the physical line
 * and the field.
 */

export type ImportErrorCode =
  | 'empty_file'
  | 'no_rows'
  | 'wrong_delimiter'
  | 'missing_column'
  | 'ragged_row'
  | 'unterminated_quote'
  | 'bad_quote'
  | 'record_too_long'
  | 'bad_ticker'
  | 'bad_option';

export interface ImportErrorLocation {
  /** 1-based data row (the header is not counted) */
  row?: number;
  /** 1-based physical line where the record starts */
  line?: number;
  /** header name of the offending field, as written */
  field?: string;
}

export class ImportError extends Error {
  readonly row?: number;
  readonly line?: number;
  readonly field?: string;

  constructor(
    readonly code: ImportErrorCode,
    readonly file: string,
    detail: string,
    where: ImportErrorLocation = {},
  ) {
    super(`${file}: ${locationText(where)}${detail}`);
    this.name = 'ImportError';
    this.row = where.row;
    this.line = where.line;
    this.field = where.field;
  }
}

function locationText(w: ImportErrorLocation): string {
  const parts: string[] = [];
  if (w.row !== undefined) parts.push(w.line !== undefined ? `row ${w.row} (line ${w.line})` : `row ${w.row}`);
  else if (w.line !== undefined) parts.push(`line ${w.line}`);
  if (w.field !== undefined) parts.push(`field "${w.field}"`);
  return parts.length > 0 ? `${parts.join(', ')}: ` : '';
}
