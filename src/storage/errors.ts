/**
 * Typed storage failures and the one helper every multi-store write goes through, so a
 * failed write (quota, abort, thrown code) rolls back as a whole and surfaces its cause.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { QeDb, QeSchema } from './db';

/** Raised when the browser refuses a write because the origin's storage quota is used up. */
export class StorageQuotaError extends Error {
  constructor(
    readonly what: string,
    cause?: unknown,
  ) {
    super(
      `Browser storage is full: could not save ${what}; earlier data is unchanged. ` +
        'Free space by deleting datasets or old job results, or request persistent storage in Settings.',
      { cause },
    );
    this.name = 'StorageQuotaError';
  }
}

export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const name = (e as { name?: unknown }).name;
  // Old Firefox reported NS_ERROR_DOM_QUOTA_REACHED; Safari sometimes only sets code 22.
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (e as { code?: unknown }).code === 22
  );
}

type Names = StoreNames<QeSchema>;
export type WriteTx<S extends Names[]> = IDBPTransaction<QeSchema, S, 'readwrite'>;

/**
 * Runs `body` in one readwrite transaction over `stores` and waits for the commit. If the body
 * throws or a request fails, the transaction is aborted, so nothing it wrote persists. A quota
 * failure (thrown by a request or reported as the transaction's abort reason) becomes a
 * StorageQuotaError naming `what`.
 */
export async function writeTransaction<S extends Names[], R>(
  db: QeDb,
  stores: S,
  what: string,
  body: (tx: WriteTx<S>) => Promise<R>,
  durability: IDBTransactionDurability = 'default',
): Promise<R> {
  const tx = db.transaction(stores, 'readwrite', { durability }) as WriteTx<S>;
  // Observe `done` at once so an abort never surfaces as an unhandled rejection.
  const done = tx.done.then(
    () => ({ ok: true as const }),
    (e: unknown) => ({ ok: false as const, error: e }),
  );
  let result: R;
  try {
    result = await body(tx);
  } catch (e) {
    abortQuietly(tx);
    const outcome = await done;
    // A request fails with AbortError when the transaction aborted for another reason (e.g. the
    // browser's QuotaExceededError at commit): report that reason rather than the symptom.
    const txError = outcome.ok ? null : outcome.error;
    const cause = isQuotaError(e) ? e : isQuotaError(txError) || (isAbort(e) && txError && !isAbort(txError)) ? txError : e;
    throw toStorageError(cause, what);
  }
  const outcome = await done;
  if (!outcome.ok) throw toStorageError(outcome.error ?? tx.error, what);
  return result;
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

function abortQuietly(tx: { abort(): void; error: DOMException | null }): void {
  try {
    tx.abort();
  } catch (e) {
    // InvalidStateError: the transaction already finished (it aborted itself); nothing to undo.
    if (!(e instanceof Error) || e.name !== 'InvalidStateError') throw e;
  }
}

export function toStorageError(e: unknown, what: string): Error {
  if (isQuotaError(e)) return new StorageQuotaError(what, e);
  if (e instanceof Error) return e;
  if (e === null || e === undefined) return new Error(`saving ${what} failed: the transaction was aborted`);
  return new Error(`saving ${what} failed: ${String(e)}`);
}
