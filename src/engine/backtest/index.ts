/** Public surface of the backtest engine (simulator, sweeps, reports, validation). */
export * from './bar-stats';
export * from './config';
export * from './execution';
export * from './matrix';
export * from './metrics';
export * from './predictions-io';
export * from './report';
export * from './report-io';
export * from './signals';
export * from './simulator';
export * from './splits';
export * from './sweep';
export * from './sweep-selection';
export * from './trade-log';
export * from './trade-stats';
export * as validation from './validation';
