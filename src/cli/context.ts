// Finds the data directory and config for a command, opens the app, and always closes it.
import fs from 'node:fs';
import path from 'node:path';
import type { MailwardConfig } from '../config/index.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../app/logger.js';
import type { Logger } from '../app/logger.js';
import type { App } from '../app/open-app.js';
import { openApp } from '../app/open-app.js';

export interface GlobalOptions {
  data?: string;
  config?: string;
}

export interface Resolved {
  dataDir: string;
  configFile: string | undefined;
  config: MailwardConfig;
}

/** --data, else MAILWARD_DATA, else ./data; --config, else MAILWARD_CONFIG, else <data>/mailward.toml when present. */
export function resolveSettings(options: GlobalOptions): Resolved {
  const dataDir = path.resolve(options.data ?? process.env.MAILWARD_DATA ?? 'data');
  let configFile = options.config ?? process.env.MAILWARD_CONFIG;
  if (configFile === undefined) {
    const candidate = path.join(dataDir, 'mailward.toml');
    if (fs.existsSync(candidate)) configFile = candidate;
  }
  return { dataDir, configFile, config: loadConfig({ file: configFile, env: process.env }) };
}

/** Runs `work` with an open app; CLI commands log only errors, to stderr. */
export async function withApp<T>(options: GlobalOptions, work: (app: App) => Promise<T>, logger?: Logger): Promise<T> {
  const settings = resolveSettings(options);
  const app = await openApp({
    dataDir: settings.dataDir,
    config: settings.config,
    logger: logger ?? createLogger({ level: 'error', destination: process.stderr }),
  });
  // The events of this command (an account disabled, a 2FA reset, a forced logout) are raised in
  // this process, which a running serve never hears: its alerts are sent from here (app.close waits for them).
  app.security.alerts.start();
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
