export * from './auth';
export * from './canonical-json';
export * from './config-version';
export * from './errors';
export * from './front-door';
export * from './json-schema';
export * from './json-scan';
export * from './http';
