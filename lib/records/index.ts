export * from './audit-trail';
export * from './batch-record';
export { BATCH_RECORD_SCHEMA } from './schema';
export { OperationStates, summarise } from './summary';
export { winAnsi } from './pdf';
