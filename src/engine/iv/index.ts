/**
 * Options engine: Black–Scholes–Merton, implied volatility, raw SVI (validity, butterfly,
 * per-slice calibration, arbitrage-aware surface), Heston (pricing, surfaces, calibration).
 * Typed-array, vectorised APIs plus scalar helpers; pure and deterministic.
 */
export * from './normal';
export * from './black-scholes';
export * from './implied-vol';
export * from './svi';
export * from './svi-fit';
export * from './svi-surface';
export * from './heston';
export * from './heston-surface';
export * from './heston-fit';
export * from './synthetic-chain';
export * from './views';
export { gaussLaguerre, gaussLegendre, type QuadratureRule } from './quadrature';
export { differentialEvolution, type DeOptions, type DeResult, type Objective } from './optimize/differential-evolution';
export { lbfgsb, type LbfgsbOptions, type LbfgsbResult } from './optimize/lbfgsb';
export { levenbergMarquardt, type LmOptions, type LmResult, type Residuals } from './optimize/levenberg-marquardt';
export * from './chain';
