// Builds the webmail (src/web/app, React) into dist/web, where the HTTP app serves it at `/`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT_DIR = path.join(HERE, 'dist', 'web');

/**
 * tsc compiles the server into dist/web/api as well, so Vite must not empty dist/web; this removes
 * only what an earlier webmail build wrote, so stale hashed bundles do not pile up.
 */
function removeEarlierBuild(): Plugin {
  return {
    name: 'mailward-remove-earlier-webmail-build',
    apply: 'build',
    buildStart() {
      fs.rmSync(path.join(OUT_DIR, 'assets'), { recursive: true, force: true });
      fs.rmSync(path.join(OUT_DIR, 'index.html'), { force: true });
    },
  };
}

export default defineConfig({
  root: path.join(HERE, 'src', 'web', 'app'),
  base: '/',
  // Nothing is copied verbatim: the server serves only index.html and assets/ (see webmail-static.ts).
  publicDir: false,
  plugins: [react(), removeEarlierBuild()],
  build: {
    outDir: OUT_DIR,
    emptyOutDir: false,
    target: 'es2022',
  },
});
