/**
 * The model engine's public surface (issue 7): histogram GBDT, ridge, pluggable ensemble
 * members, targets, purged walk-forward CV, the ensemble trainer and predictor, diagnostics
 * (metrics, calibration, permutation importance, stability), governance, retrain triggers,
 * manifests, and the bars → model pipeline shared by the CLI and the workers.
 */
export { blendWeights } from './blend';
export * from './calibration';
export * from './cv';
export * from './ensemble';
export { fitGbdt, fitGbdtAsync, GbdtModel, GbdtTrainer, type GbdtFitOptions, type GbdtJson } from './gbdt/model';
export { GBDT_DEFAULTS, type GbdtParams } from './gbdt/params';
export { kernelAvailability } from './gbdt/wasm/kernels';
export * from './governance';
export * from './importance';
export * from './manifest';
export * from './member';
export * from './metrics';
export * from './panel';
export * from './pipeline';
export * from './predictor';
export { predictionsJson, subReportJson, trainReportJson } from './report-json';
export { fitRidge, RIDGE_DEFAULTS, RidgeModel, type RidgeParams } from './ridge';
export * from './stability';
export * from './targets';
export * from './triggers';
