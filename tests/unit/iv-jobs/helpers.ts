import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import type { Json, ManifestInput } from '../../../src/engine/contracts';
import { checksumColumns } from '../../../src/engine/core/hash';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { putChainUpload } from '../../../src/storage/option-chains';
import { ComputeHost } from '../../../src/workers/compute-host';
import { buildManifest } from '../../../src/workers/manifest';
import { setImmediateYield } from '../workers/harness';

export const FIXTURE = new URL('../../fixtures/iv-chain/sample_chain.csv', import.meta.url);
export const fixtureText = (): string => readFileSync(FIXTURE, 'utf8');

/** Generating parameters of the fixture (tests/reference/iv/chain_fixture.py). */
export const FIXTURE_HESTON = { v0: 0.04, kappa: 2.0, theta: 0.05, sigma: 0.4, rho: -0.7 };

/** `onYield(n)` runs at the n-th checkpoint yield (1-based), e.g. to cancel at a known step. */
export async function computeHost(onYield?: (n: number) => void) {
  const factory = new IDBFactory();
  let yields = 0;
  const db = await openQeDb(factory);
  const bus = new LogBus();
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.parse('2024-06-01T12:00:00Z'),
    monotonic: () => performance.now(),
    yieldFn: async () => {
      await setImmediateYield();
      onYield?.(++yields);
    },
    logger: bus.logger('worker.compute'),
  });
  let n = 0;
  /** Runs one job to completion; resolves with its result and the progress reports. */
  const run = async (type: string, params: { [k: string]: Json }, inputs: ManifestInput[] = [], jobId = `job-${++n}`) => {
    const m = buildManifest({ type, params, inputs });
    const reports: Array<[number, string]> = [];
    const res = await host.run(jobId, type, m.params, m, (f, s) => reports.push([f, s]));
    return { res, reports, manifest: m, jobId };
  };
  return { db, factory, bus, host, run };
}

/** Stores the text as a staged upload, as the facade's stageOptionChainFile does. */
export async function stage(db: QeDb, name: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  const checksum = checksumColumns({ bytes });
  return putChainUpload(db, {
    id: `chain-upload-${checksum.slice(0, 24)}`,
    name,
    size: bytes.byteLength,
    checksum,
    createdAt: '2024-06-01T12:00:00.000Z',
    bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  });
}
