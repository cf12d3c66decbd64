export * from './types';
export * from './units';
export * from './numbering';
export { genealogySchema } from './schema';
export { applyCommand, consume, produce, receive, split, merge, setBlocked, type GenealogyOptions } from './commands';
export * from './trace';
export * from './backflush';
export * from './validate';
export * from './http-api';
