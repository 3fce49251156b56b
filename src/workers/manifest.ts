/** Job manifests: everything that determines a job's numbers, and its stable id. */
import { type JobManifest, type Json, json, type ManifestInput, manifestSchema } from '../engine/contracts';
import { canonicalJson, seedFromString, sha256Hex } from '../engine/core/hash';
import { ENGINE_VERSION } from '../engine/core/version';

export interface ManifestRequest {
  type: string;
  params: { [k: string]: Json };
  inputs?: readonly ManifestInput[];
}

/**
 * seed = seedFromString(canonical {inputs, params}); id = SHA-256 of the canonical
 * {jobType, inputs, params, engineVersion, seed}. Same request → same manifest, in every runtime.
 */
export function buildManifest(req: ManifestRequest, engineVersion: string = ENGINE_VERSION): JobManifest {
  if (!req.type) throw new Error('job type must be non-empty');
  const params = json()(req.params, 'params') as { [k: string]: Json };
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new Error('job params must be a JSON object');
  }
  const inputs = (req.inputs ?? []).map((i) => ({ key: i.key, checksum: i.checksum }));
  const seed = seedFromString(canonicalJson({ inputs, params }));
  const body = { jobType: req.type, inputs, params, engineVersion, seed };
  return manifestSchema({ id: sha256Hex(canonicalJson(body)), ...body });
}
