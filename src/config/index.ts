// Public surface of the configuration module: the schema, its type and the loader.
export * from './config-schema.js';
export * from './load-config.js';
