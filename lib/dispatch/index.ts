export * from './commands';
export * from './engine';
export { dispatchSchema } from './schema';
