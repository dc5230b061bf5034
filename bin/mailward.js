#!/usr/bin/env node
// Entry point of the `mailward` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('mailward: not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main);
