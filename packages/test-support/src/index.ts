export * from './system-parts.js';
export * from './certificates.js';
