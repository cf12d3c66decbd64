export * from './plant';
export * from './commands';
export * from './engine';
export * from './signals';
export * from './wip';
export { dispatchSchema } from './schema';
