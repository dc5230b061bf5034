// Reading other processes from /proc: memory (smaps_rollup), CPU time, the process tree.
import fs from 'node:fs';

const CLOCK_TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/**
 * RSS, PSS and anonymous PSS of one process in KiB (from /proc/PID/smaps_rollup), or null when it
 * is gone. PSS also counts a share of file pages (the node binary, libraries), which moves when
 * other processes map or drop the same files; Pss_Anon is the process's own heap and stacks.
 */
export function memoryKiB(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return null;
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rss: field('Rss'), pss: field('Pss'), pssAnon: field('Pss_Anon') };
}

/** Fields of /proc/PID/stat after the command name; null when the process is gone. */
function stat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is the state (field 3 of proc(5)); field n of proc(5) is fields[n - 3].
    return {
      comm: text.slice(open + 1, close),
      ppid: Number(fields[1]),
      utime: Number(fields[11]),
      stime: Number(fields[12]),
      cutime: Number(fields[13]),
      cstime: Number(fields[14]),
    };
  } catch {
    return null;
  }
}

/** Every live process as { pid, comm, ppid }. */
export function processes() {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s) out.push({ pid: Number(name), comm: s.comm, ppid: s.ppid });
  }
  return out;
}

/** The process `root` and all its descendants. */
export function processTree(root) {
  const all = processes();
  const children = new Map();
  for (const p of all) {
    if (!children.has(p.ppid)) children.set(p.ppid, []);
    children.get(p.ppid).push(p);
  }
  const self = all.find((p) => p.pid === root);
  if (!self) return [];
  const out = [self];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i].pid) ?? []));
  return out;
}

/**
 * CPU time (ms) used by `root` and its descendants so far: the live processes' own time plus
 * what their exited children left in cutime/cstime (a parent that reaps a child inherits it), so
 * processes that come and go between two readings are still counted.
 */
export function treeCpuMs(root) {
  let ticks = 0;
  for (const p of processTree(root)) {
    const s = stat(p.pid);
    if (s) ticks += s.utime + s.stime + s.cutime + s.cstime;
  }
  return ticks * CLOCK_TICK_MS;
}

/** Sum of RSS and PSS (KiB) over the given pids, and how many were read. */
export function sumMemoryKiB(pids) {
  let rss = 0;
  let pss = 0;
  let count = 0;
  for (const pid of pids) {
    const m = memoryKiB(pid);
    if (!m) continue;
    rss += m.rss;
    pss += m.pss;
    count++;
  }
  return { rss, pss, count };
}
