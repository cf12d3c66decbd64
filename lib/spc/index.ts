export * from './constants';
export * from './charts';
export * from './capability';
export * from './nelson';
