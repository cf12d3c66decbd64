export * from './commands';
export * from './engine';
export * from './signals';
export { dispatchSchema } from './schema';
