export * from './auth';
export * from './canonical-json';
export * from './errors';
export * from './json-schema';
export * from './front-door';
export * from './json-scan';
