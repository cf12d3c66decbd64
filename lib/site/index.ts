export * from './schema';
export * from './projections';
export * from './forwarder';
export * from './views';
export * from './transaction';
export * from './progress';
