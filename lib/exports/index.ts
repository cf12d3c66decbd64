export * from './table';
export * from './filters';
export * from './mes-tables';
