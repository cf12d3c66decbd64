export * from './calendar';
export * from './totals';
export * from './types';
export * from './engine';
export * from './signals';
export * from './config';
export * from './repository';
export * from './journal';
export { oeeSchema } from './schema';
