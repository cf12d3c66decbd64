export * from './qualifications';
export { qualificationSchema } from './qualification-schema';
export * from './signature-types';
