export * from './qualifications';
export { qualificationSchema } from './qualification-schema';
export * from './signature-types';
export * from './signatures';
export * from './signed-actions';
export { signatureSchema } from './signature-schema';
