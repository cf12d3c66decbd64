export * from './route';
export * from './handler';
export * from './routes';
export * from './handlers';
export * from './openapi';
export * from './tokens';
export * from './params';
export * from './serve';
