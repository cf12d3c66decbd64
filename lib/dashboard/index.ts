export * from './auth';
export * from './client-seal';
export * from './terminal';
