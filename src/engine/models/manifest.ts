/**
 * Model manifest: everything that determines a trained model (spec §4.4 meta + job manifest):
 * input data checksums, features, parameters, seed, engine version, and the headline metrics.
 * The id is the SHA-256 of the canonical JSON of the other fields, so the same inputs and
 * settings always name the same model.
 */
import type { Json } from '../contracts';
import { canonicalJson, sha256Hex } from '../core/hash';
import { ENGINE_VERSION } from '../core/version';

export interface ManifestDataset {
  /** e.g. "AAPL|1d" */
  key: string;
  checksum: string;
  rows: number;
  first: string;
  last: string;
}

export interface ModelMetrics {
  oosSpearman: number | null;
  cvGap: number | null;
  holdoutSpearman: number | null;
  holdoutR2: number | null;
  ece: number | null;
  samples: number;
}

export interface ModelManifest {
  id: string;
  kind: 'qe-ensemble';
  engineVersion: string;
  seed: number;
  horizon: number;
  inputs: ManifestDataset[];
  benchmark: ManifestDataset | null;
  features: string[];
  params: { [k: string]: Json };
  metrics: ModelMetrics;
  /** "demo" when any input is demo data: provenance follows the data */
  mode: 'real' | 'demo';
  /** quality gates the model failed but was kept anyway (training with enforceGates: false) */
  gateFailures: string[];
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function buildManifest(m: Omit<ModelManifest, 'id' | 'engineVersion' | 'metrics'> & { metrics: ModelMetrics }): ModelManifest {
  const metrics: ModelMetrics = {
    oosSpearman: finiteOrNull(m.metrics.oosSpearman ?? Number.NaN),
    cvGap: finiteOrNull(m.metrics.cvGap ?? Number.NaN),
    holdoutSpearman: finiteOrNull(m.metrics.holdoutSpearman ?? Number.NaN),
    holdoutR2: finiteOrNull(m.metrics.holdoutR2 ?? Number.NaN),
    ece: finiteOrNull(m.metrics.ece ?? Number.NaN),
    samples: m.metrics.samples,
  };
  const body = { ...m, metrics, engineVersion: ENGINE_VERSION };
  return { id: sha256Hex(canonicalJson(body)).slice(0, 32), ...body };
}
