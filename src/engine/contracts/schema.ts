/**
 * A tiny schema combinator set for validating payloads at boundaries (worker messages,
 * IndexedDB records, imported JSON, proxy responses). No framework: each schema is a
 * function that either returns the typed value or throws a SchemaError naming the path.
 */

export class SchemaError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: unknown,
  ) {
    super(`${path || '(root)'}: expected ${expected}, got ${describe(got)}`);
    this.name = 'SchemaError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return String(v);
  return typeof v;
}

export interface Schema<T> {
  /** Returns the value typed as T or throws SchemaError. */
  (value: unknown, path?: string): T;
  readonly kind: string;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function schema<T>(kind: string, check: (value: unknown, path: string) => T): Schema<T> {
  const fn = ((value: unknown, path = '') => check(value, path)) as Schema<T>;
  Object.defineProperty(fn, 'kind', { value: kind });
  return fn;
}

export const str = (): Schema<string> =>
  schema('string', (v, p) => {
    if (typeof v !== 'string') throw new SchemaError(p, 'string', v);
    return v;
  });

export const num = (opts: { min?: number; max?: number; int?: boolean; finite?: boolean } = {}): Schema<number> =>
  schema('number', (v, p) => {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new SchemaError(p, 'number', v);
    if ((opts.finite ?? true) && !Number.isFinite(v)) throw new SchemaError(p, 'finite number', v);
    if (opts.int && !Number.isInteger(v)) throw new SchemaError(p, 'integer', v);
    if (opts.min !== undefined && v < opts.min) throw new SchemaError(p, `number ≥ ${opts.min}`, v);
    if (opts.max !== undefined && v > opts.max) throw new SchemaError(p, `number ≤ ${opts.max}`, v);
    return v;
  });

export const bool = (): Schema<boolean> =>
  schema('boolean', (v, p) => {
    if (typeof v !== 'boolean') throw new SchemaError(p, 'boolean', v);
    return v;
  });

export const literal = <const L extends string | number | boolean>(...values: L[]): Schema<L> =>
  schema(`one of ${values.join('|')}`, (v, p) => {
    if (!values.includes(v as L)) throw new SchemaError(p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    return v as L;
  });

/** ISO-8601 timestamp string (date or date-time). */
export const isoDate = (): Schema<string> =>
  schema('iso date', (v, p) => {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) {
      throw new SchemaError(p, 'ISO-8601 date', v);
    }
    return v;
  });

export const optional = <T>(inner: Schema<T>): Schema<T | undefined> =>
  schema(`${inner.kind}?`, (v, p) => (v === undefined ? undefined : inner(v, p)));

export const nullable = <T>(inner: Schema<T>): Schema<T | null> =>
  schema(`${inner.kind}|null`, (v, p) => (v === null ? null : inner(v, p)));

export const arr = <T>(inner: Schema<T>): Schema<T[]> =>
  schema(`${inner.kind}[]`, (v, p) => {
    if (!Array.isArray(v)) throw new SchemaError(p, 'array', v);
    return v.map((x, i) => inner(x, `${p}[${i}]`));
  });

export const record = <T>(inner: Schema<T>): Schema<Record<string, T>> =>
  schema(`record<${inner.kind}>`, (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(p, 'object', v);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) out[k] = inner(x, `${p}.${k}`);
    return out;
  });

/** Any JSON-compatible value (used for free-form params); rejects functions, symbols, undefined-in-arrays, non-finite numbers. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export const json = (): Schema<Json> =>
  schema('json', (v, p) => {
    const walk = (x: unknown, q: string): Json => {
      if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
      if (typeof x === 'number') {
        if (!Number.isFinite(x)) throw new SchemaError(q, 'finite number', x);
        return x;
      }
      if (Array.isArray(x)) return x.map((y, i) => walk(y, `${q}[${i}]`));
      if (typeof x === 'object') {
        const out: { [k: string]: Json } = {};
        for (const [k, y] of Object.entries(x as object)) {
          if (y !== undefined) out[k] = walk(y, `${q}.${k}`);
        }
        return out;
      }
      throw new SchemaError(q, 'JSON value', x);
    };
    return walk(v, p);
  });

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** Object with known keys; unknown keys are dropped (not an error) so older records stay readable. */
export const obj = <S extends Shape>(shape: S): Schema<ObjOf<S>> =>
  schema('object', (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(p, 'object', v);
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(shape)) {
      const val = s(src[k], p ? `${p}.${k}` : k);
      if (val !== undefined) out[k] = val;
    }
    return out as ObjOf<S>;
  });

/** Validates without throwing: `{ ok: true, value }` or `{ ok: false, error }`. */
export function safeParse<T>(s: Schema<T>, value: unknown): { ok: true; value: T } | { ok: false; error: SchemaError } {
  try {
    return { ok: true, value: s(value) };
  } catch (e) {
    if (e instanceof SchemaError) return { ok: false, error: e };
    throw e;
  }
}
