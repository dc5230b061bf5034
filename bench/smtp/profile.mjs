// Summarises a V8 .cpuprofile (from node --cpu-prof): self time by function and by module, and inclusive time of chosen functions.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Where a frame's code lives: a package, one of our compiled files, Node itself, or V8's pseudo-frames. */
function moduleOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith(REPO)) return file.slice(REPO.length);
  if (file.startsWith('node:')) return 'node (internal)';
  return file;
}

function frameName(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = moduleOf(url, functionName);
  if (!url) return where;
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

/**
 * Reads the profile and returns { totalMs, idleMs, busyMs, bySelf: [{ name, ms, share }], byModule,
 * inclusive } where `inclusive` holds, for each of `categories` ({ label, fn?: RegExp, url: string }),
 * the time of the samples with a matching frame anywhere on their stack (each sample counted once
 * per category; categories may overlap).
 */
export function summarizeProfile(file, { top = 15, categories = [] } = {}) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map();
  const modules = new Map();
  const inclusive = new Map();
  let totalMs = 0;
  let idleMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + ms);
    const mod = moduleOf(node.callFrame.url, node.callFrame.functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + ms);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const { functionName, url } = byId.get(id).callFrame;
      for (const category of categories) {
        if (seen.has(category.label) || !url.includes(category.url) || (category.fn && !category.fn.test(functionName))) continue;
        seen.add(category.label);
        inclusive.set(category.label, (inclusive.get(category.label) ?? 0) + ms);
      }
    }
  }
  const busyMs = totalMs - idleMs;
  const rank = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: ms / busyMs }));
  return {
    totalMs,
    idleMs,
    busyMs,
    bySelf: rank(self, top),
    byModule: rank(modules, top),
    inclusive: categories.map((c) => ({ name: c.label, ms: inclusive.get(c.label) ?? 0, share: (inclusive.get(c.label) ?? 0) / busyMs })),
  };
}
