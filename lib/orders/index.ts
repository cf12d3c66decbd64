export * from './types';
export * from './validate';
export * from './intake';
export * from './http-api';
