/**
 * The IV Surface part of the main-thread facade: staging chain files, reading stored chains
 * and IV job results back as envelopes. Reads only (the jobs write); kept apart from
 * backend.ts so that file only spreads these methods in.
 */
import type { Envelope } from '../../engine/contracts';
import { checksumColumns } from '../../engine/core/hash';
import { getArtifact, latestArtifact } from '../../storage/artifacts';
import type { QeDb } from '../../storage/db';
import {
  type ChainUploadInfo,
  deleteOptionChain,
  getOptionChain,
  listOptionChains,
  type OptionChainSummary,
  putChainUpload,
  type StoredOptionChain,
} from '../../storage/option-chains';
import {
  type ArbSviResult,
  arbSviEnvelope,
  chainEnvelope,
  type HestonCalibrationResult,
  type HestonSurfaceResult,
  hestonCalibrationEnvelope,
  hestonCalibrationPrefix,
  hestonSurfaceEnvelope,
  parseArbSviResult,
  parseHestonCalibrationResult,
  parseHestonSurfaceResult,
} from './results';

export interface IvOpsDeps {
  ready(): Promise<QeDb>;
  now(): number;
}

export class ResultNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`result ${key} is not stored (it may have been deleted); run the job again`);
    this.name = 'ResultNotFoundError';
  }
}

export interface IvOps {
  stageOptionChainFile(file: { name: string; bytes: ArrayBuffer }): Promise<ChainUploadInfo>;
  listOptionChains(): Promise<OptionChainSummary[]>;
  getOptionChain(id: string): Promise<Envelope<StoredOptionChain>>;
  deleteOptionChain(id: string): Promise<void>;
  getHestonCalibration(chainId: string): Promise<Envelope<HestonCalibrationResult> | null>;
  getIvHestonSurface(resultKey: string): Promise<Envelope<HestonSurfaceResult>>;
  getIvArbSvi(resultKey: string): Promise<Envelope<ArbSviResult>>;
}

export function createIvOps(deps: IvOpsDeps): IvOps {
  const artifactValue = async (key: string): Promise<unknown> => {
    const rec = await getArtifact(await deps.ready(), key);
    if (!rec) throw new ResultNotFoundError(key);
    return rec.value;
  };
  return {
    async stageOptionChainFile(file) {
      const db = await deps.ready();
      const checksum = checksumColumns({ bytes: new Uint8Array(file.bytes) });
      return putChainUpload(db, {
        id: `chain-upload-${checksum.slice(0, 24)}`,
        name: file.name,
        size: file.bytes.byteLength,
        checksum,
        createdAt: new Date(deps.now()).toISOString(),
        bytes: file.bytes,
      });
    },

    async listOptionChains() {
      return listOptionChains(await deps.ready());
    },

    async getOptionChain(id) {
      const chain = await getOptionChain(await deps.ready(), id);
      return chainEnvelope(chain, deps.now());
    },

    async deleteOptionChain(id) {
      await deleteOptionChain(await deps.ready(), id);
    },

    async getHestonCalibration(chainId) {
      const db = await deps.ready();
      const chain = await getOptionChain(db, chainId);
      const rec = await latestArtifact(db, hestonCalibrationPrefix(chainId, chain.checksum));
      if (!rec) return null;
      return hestonCalibrationEnvelope(parseHestonCalibrationResult(rec.value, rec.key), chain, deps.now());
    },

    async getIvHestonSurface(resultKey) {
      return hestonSurfaceEnvelope(parseHestonSurfaceResult(await artifactValue(resultKey), resultKey));
    },

    async getIvArbSvi(resultKey) {
      return arbSviEnvelope(parseArbSviResult(await artifactValue(resultKey), resultKey));
    },
  };
}
