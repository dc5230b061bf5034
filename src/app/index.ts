// The composition root: the one place that opens the core (openApp), starts the doors (startServer), schedules the jobs and runs `serve` (runServer); the CLI and the tests enter here.
export * from './open-app.js';
export * from './run-server.js';
export * from './logger.js';
export type { RunningServer, StartServerOptions } from './start-server.js';
