export * from './datasets';
export * from './envelope';
export * from './jobs';
export * from './logs';
export * from './proxy';
export * from './schema';
export * from './settings';
