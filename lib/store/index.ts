export * from './schema';
export * from './store';
export * from './registry';
export { coreSchema } from './core-schema';
