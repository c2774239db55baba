export * from './system-parts.js';
