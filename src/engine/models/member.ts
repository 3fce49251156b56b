/**
 * Ensemble members are pluggable: a member kind registers how to fit itself and how to
 * rebuild itself from JSON, and the ensemble only talks to the `ModelMember` interface.
 * GBDT and ridge are built in; an MLP (tfjs, loaded lazily) can register the same way.
 */
import type { JobContext } from '../core/context';
import { fitGbdt, fitGbdtAsync, type GbdtJson, GbdtModel } from './gbdt/model';
import type { GbdtParams } from './gbdt/params';
import { fitMlp, fitMlpAsync, type MlpJson, MlpModel, type MlpParams } from './mlp';
import { fitRidge, type RidgeJson, RidgeModel, type RidgeParams } from './ridge';

/** A member's JSON: its kind plus whatever the kind's `fromJSON` reads. */
export interface MemberJson {
  kind: string;
}

export interface ModelMember {
  readonly kind: string;
  readonly nFeatures: number;
  predict(columns: readonly Float64Array[]): Float64Array;
  /** non-negative, sums to 1 (or all zero); used for importance reports */
  featureImportance(): Float64Array;
  toJSON(): MemberJson;
}

export interface MemberSpec {
  /** unique within an ensemble, e.g. "gbdt" */
  name: string;
  kind: string;
  params?: Record<string, unknown>;
}

export interface MemberFitInput {
  columns: readonly Float64Array[];
  y: Float64Array;
  sampleWeight: Float64Array | null;
  /** seed for this fit (derived from the run, the model, the fold and the member) */
  seed: number;
  /** fits inside CV folds may stop early on the chronological tail of their training rows */
  earlyStopping: boolean;
  /** long fits yield to the host (and honour cancel) through this context */
  ctx?: JobContext;
}

export interface MemberFactory {
  kind: string;
  fit(input: MemberFitInput, params: Record<string, unknown>): ModelMember | Promise<ModelMember>;
  fromJSON(json: MemberJson): ModelMember;
  /** whether this member's importances enter the ensemble importance (spec: linear members do not) */
  reportsImportance: boolean;
}

const FACTORIES = new Map<string, MemberFactory>();

export function registerMember(f: MemberFactory): void {
  FACTORIES.set(f.kind, f);
}

export function memberFactory(kind: string): MemberFactory {
  const f = FACTORIES.get(kind);
  if (!f) throw new Error(`unknown model member kind "${kind}" (registered: ${[...FACTORIES.keys()].join(', ')})`);
  return f;
}

export function memberFromJSON(json: MemberJson): ModelMember {
  return memberFactory(json.kind).fromJSON(json);
}

/** Spec GBR settings mapped onto the histogram GBDT. */
export const DEFAULT_GBDT_PARAMS: Partial<GbdtParams> = {
  maxIter: 500,
  maxDepth: 4,
  maxLeafNodes: null,
  minSamplesLeaf: 30,
  learningRate: 0.05,
  subsample: 0.8,
  maxFeatures: 'sqrt',
  validationFraction: 0.15,
  nIterNoChange: 20,
};

registerMember({
  kind: 'gbdt',
  reportsImportance: true,
  fit(input, params) {
    const p = { ...DEFAULT_GBDT_PARAMS, ...(params as Partial<GbdtParams>), seed: input.seed, earlyStopping: input.earlyStopping };
    const opts = { sampleWeight: input.sampleWeight };
    return input.ctx ? fitGbdtAsync(input.columns, input.y, p, opts, input.ctx, 25) : fitGbdt(input.columns, input.y, p, opts);
  },
  fromJSON: (json) => GbdtModel.fromJSON(json as unknown as GbdtJson),
});

registerMember({
  kind: 'ridge',
  reportsImportance: false,
  fit(input, params) {
    return fitRidge(input.columns, input.y, params as Partial<RidgeParams>, input.sampleWeight);
  },
  fromJSON: (json) => RidgeModel.fromJSON(json as unknown as RidgeJson),
});

// Optional member (not in the defaults: the spec's network is "not wired into training").
registerMember({
  kind: 'mlp',
  reportsImportance: true,
  fit(input, params) {
    const p = { ...(params as Partial<MlpParams>), seed: input.seed, earlyStopping: input.earlyStopping };
    const opts = { sampleWeight: input.sampleWeight };
    return input.ctx ? fitMlpAsync(input.columns, input.y, p, opts, input.ctx) : fitMlp(input.columns, input.y, p, opts);
  },
  fromJSON: (json) => MlpModel.fromJSON(json as unknown as MlpJson),
});

export const DEFAULT_MEMBERS: readonly MemberSpec[] = [
  { name: 'gbdt', kind: 'gbdt', params: {} },
  { name: 'ridge', kind: 'ridge', params: { alpha: 1 } },
];
