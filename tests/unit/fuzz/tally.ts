/**
 * Bookkeeping for the bad-input campaign: runs one case under a time bound, classifies what
 * happened (accepted, or refused with one of the family's typed errors) and counts it. Any
 * other throw is a crash and fails the property with the input that caused it.
 */

/** Constructor of an error class (any signature: only `instanceof` is used). */
export type ErrorClass = abstract new (...args: never[]) => Error;

export interface FamilyCounts {
  cases: number;
  accepted: number;
  refused: number;
  maxCaseMs: number;
  errors: Record<string, number>;
}

/** Longest message a refusal may carry: specific, but never echoing a huge input back. */
export const MAX_MESSAGE_CHARS = 1_500;

export interface RunOptions {
  allowed: readonly ErrorClass[];
  /** text every refusal message must contain (the file or source name) */
  mustName: string;
  maxMs: number;
  plainError?: boolean;
  describe: () => string;
}

export class Tally {
  readonly families = new Map<string, FamilyCounts>();

  family(name: string): FamilyCounts {
    let f = this.families.get(name);
    if (!f) {
      f = { cases: 0, accepted: 0, refused: 0, maxCaseMs: 0, errors: {} };
      this.families.set(name, f);
    }
    return f;
  }

  total(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.cases;
    return n;
  }

  /**
   * Runs `fn` once. Returns 'accepted' or the error label; throws (failing the property) on a
   * crash, an unspecific message or a case slower than `maxMs`.
   */
  async run(
    family: string,
    fn: () => unknown | Promise<unknown>,
    opts: RunOptions,
  ): Promise<string> {
    const f = this.family(family);
    const t0 = performance.now();
    let label = 'accepted';
    try {
      await fn();
      f.accepted++;
    } catch (e) {
      label = this.refusal(e, opts, family);
      f.refused++;
      f.errors[label] = (f.errors[label] ?? 0) + 1;
    } finally {
      f.cases++;
    }
    const ms = performance.now() - t0;
    if (ms > f.maxCaseMs) f.maxCaseMs = ms;
    if (ms > opts.maxMs) throw new Error(`${family}: case took ${ms.toFixed(0)} ms (bound ${opts.maxMs} ms): ${opts.describe()}`);
    return label;
  }

  private refusal(e: unknown, opts: RunOptions, family: string): string {
    // A plain `Error` (exactly that class, never TypeError/RangeError…) is allowed only where
    // the code under test deliberately throws one with a message, e.g. the CLI.
    const typed = e instanceof Error && (opts.allowed.some((C) => e instanceof C) || (opts.plainError === true && e.constructor === Error));
    if (!typed) {
      const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
      throw new Error(`${family}: CRASH (untyped error) ${what.slice(0, 2_000)}\ninput: ${opts.describe()}`);
    }
    const err = e as Error & { code?: unknown };
    if (!err.message.includes(opts.mustName)) {
      throw new Error(`${family}: ${err.name} does not name "${opts.mustName}": ${err.message.slice(0, 300)}\ninput: ${opts.describe()}`);
    }
    if (err.message.length > MAX_MESSAGE_CHARS) {
      throw new Error(`${family}: ${err.name} message is ${err.message.length} chars (echoes the input?): ${err.message.slice(0, 200)}…`);
    }
    return typeof err.code === 'string' ? `${err.name}:${err.code}` : err.name;
  }

  report(): string {
    const rows = [...this.families.entries()].map(([name, f]) => {
      const errs = Object.entries(f.errors)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      return `  ${name.padEnd(26)} cases=${String(f.cases).padStart(5)} accepted=${String(f.accepted).padStart(5)} refused=${String(f.refused).padStart(5)} maxCaseMs=${f.maxCaseMs.toFixed(0).padStart(5)}  ${errs}`;
    });
    return [`[fuzz] bad-input campaign: ${this.total()} cases, 0 crashes, 0 hangs`, ...rows].join('\n');
  }
}

/** Short, printable description of an input for failure messages. */
export function preview(s: string | Uint8Array, max = 300): string {
  if (typeof s !== 'string') return `<${s.length} bytes: ${Array.from(s.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join(' ')}…>`;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…(${s.length} chars)` : s);
}
