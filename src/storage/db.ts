/**
 * The durable store: one IndexedDB database, "quant-engine", whose schema grows only through
 * the ordered MIGRATIONS list (version n = MIGRATIONS.length; migration i upgrades i → i+1).
 * Never edit a shipped migration; append a new one.
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames, wrap } from 'idb';
import type { DatasetMeta, JobRecord, Json, LogEntry } from '../engine/contracts';

export const DB_NAME = 'quant-engine';

/** One stored dataset's columns, encoded (Arrow IPC stream of ts/open/high/low/close/volume). */
export interface StoredDataset {
  id: string;
  format: 'arrow-ipc';
  bytes: ArrayBuffer;
}

/** A versioned job result (model version, backtest run, self-test measurement …). */
export interface ArtifactRecord {
  key: string;
  /** ISO time the artifact was written */
  createdAt: string;
  /** job that produced it, if any */
  jobId?: string;
  /** manifest id of that job, if any */
  manifestId?: string;
  value: Json;
}

/** A model / strategy registry document ({active, history} shapes live in their owners' adapters). */
export interface RegistryDoc {
  key: string;
  updatedAt: string;
  value: Json;
}

export interface SettingRecord {
  key: string;
  value: Json;
}

/** Persisted log records carry an auto-increment sequence number as their key. */
export type StoredLogEntry = LogEntry & { seq?: number };

export interface QeSchema extends DBSchema {
  datasets: { key: string; value: StoredDataset };
  catalog: { key: string; value: DatasetMeta };
  jobs: { key: string; value: JobRecord; indexes: { createdAt: string; status: string } };
  artifacts: { key: string; value: ArtifactRecord; indexes: { createdAt: string } };
  registry: { key: string; value: RegistryDoc };
  settings: { key: string; value: SettingRecord };
  logs: { key: number; value: StoredLogEntry; indexes: { ts: number } };
}

export type QeDb = IDBPDatabase<QeSchema>;
export type QeStoreName = StoreNames<QeSchema>;
type UpgradeTx = IDBPTransaction<QeSchema, QeStoreName[], 'versionchange'>;
export type Migration = (db: QeDb, tx: UpgradeTx) => void;

/** Ordered schema migrations. Index i upgrades version i to i+1. */
export const MIGRATIONS: readonly Migration[] = [
  // v1: the initial schema.
  (db) => {
    db.createObjectStore('datasets', { keyPath: 'id' });
    db.createObjectStore('catalog', { keyPath: 'id' });
    const jobs = db.createObjectStore('jobs', { keyPath: 'id' });
    jobs.createIndex('createdAt', 'createdAt');
    jobs.createIndex('status', 'status');
    const artifacts = db.createObjectStore('artifacts', { keyPath: 'key' });
    artifacts.createIndex('createdAt', 'createdAt');
    db.createObjectStore('registry', { keyPath: 'key' });
    db.createObjectStore('settings', { keyPath: 'key' });
    const logs = db.createObjectStore('logs', { keyPath: 'seq', autoIncrement: true });
    logs.createIndex('ts', 'ts');
  },
  // v2: option chains per (underlying, quote date) and staged chain files (./option-chains).
  (db) => {
    db.createObjectStore('optionChains', { keyPath: 'id' });
    const uploads = db.createObjectStore('optionChainUploads', { keyPath: 'id' });
    uploads.createIndex('createdAt', 'createdAt');
  },
  // v3: Kalshi event markets in the current schema (./kalshi): markets, contracts (by market),
  // quotes as one columnar block per market, event outcomes keyed (event_id, asof_ts), staged files.
  (db) => {
    db.createObjectStore('kalshiMarkets', { keyPath: 'market_id' });
    const contracts = db.createObjectStore('kalshiContracts', { keyPath: 'contract_id' });
    contracts.createIndex('market_id', 'market_id');
    db.createObjectStore('kalshiQuotes', { keyPath: 'market_id' });
    db.createObjectStore('eventOutcomes', { keyPath: ['event_id', 'asof_ts'] });
    db.createObjectStore('kalshiUploads', { keyPath: 'id' });
  },
];

export const DB_VERSION = MIGRATIONS.length;

/** Runs migrations oldVersion … newVersion-1 inside the upgrade transaction. */
export function runMigrations(
  db: QeDb,
  tx: UpgradeTx,
  oldVersion: number,
  newVersion: number,
  migrations: readonly Migration[] = MIGRATIONS,
): void {
  for (let v = oldVersion; v < newVersion; v++) {
    const m = migrations[v];
    if (!m) throw new Error(`no migration from schema version ${v} to ${v + 1}`);
    m(db, tx);
  }
}

export class StorageUnavailableError extends Error {
  constructor(detail: string) {
    super(`Browser storage (IndexedDB) is unavailable: ${detail}. Private windows and some embedded browsers disable it.`);
    this.name = 'StorageUnavailableError';
  }
}

export interface OpenOptions {
  /** IndexedDB factory; defaults to the global `indexedDB` (tests pass fake-indexeddb's). */
  factory?: IDBFactory;
  name?: string;
  migrations?: readonly Migration[];
  /** Called when another tab wants a newer schema; the connection is closed right after. */
  onVersionChange?: () => void;
}

/** Opens (and migrates) the database. */
export function openQeDb(factoryOrOptions?: IDBFactory | OpenOptions): Promise<QeDb> {
  const opts: OpenOptions =
    factoryOrOptions && 'open' in factoryOrOptions ? { factory: factoryOrOptions } : (factoryOrOptions ?? {});
  const factory = opts.factory ?? (typeof indexedDB === 'undefined' ? undefined : indexedDB);
  if (!factory) return Promise.reject(new StorageUnavailableError('no indexedDB in this context'));
  const migrations = opts.migrations ?? MIGRATIONS;
  const version = migrations.length;
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(opts.name ?? DB_NAME, version);
  } catch (e) {
    return Promise.reject(new StorageUnavailableError(e instanceof Error ? e.message : String(e)));
  }
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as QeDb;
    const tx = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTx;
    runMigrations(db, tx, event.oldVersion, event.newVersion ?? version, migrations);
  });
  const opened = wrap(request) as unknown as Promise<QeDb>;
  return opened.then(
    (db) => {
      // A newer schema in another tab: close so its upgrade can proceed; this tab must reload.
      db.addEventListener('versionchange', () => {
        db.close();
        opts.onVersionChange?.();
      });
      return db;
    },
    (e: unknown) => {
      const err = e instanceof DOMException || e instanceof Error ? e : new Error(String(e));
      if (err.name === 'VersionError') {
        throw new StorageUnavailableError(
          `the stored database is newer (${err.message}) than this app version; reload to get the latest app`,
        );
      }
      throw new StorageUnavailableError(err.message);
    },
  );
}
