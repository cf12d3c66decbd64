export * from './constants';
export * from './charts';
export * from './capability';
export * from './nelson';
export * from './commands';
export * from './monitor';
export { spcSchema } from './schema';
