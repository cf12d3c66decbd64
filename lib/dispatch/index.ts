export * from './commands';
export * from './engine';
export * from './wip';
export { dispatchSchema } from './schema';
