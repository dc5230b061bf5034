// Preloaded into the bench's Mailward (node --expose-gc --import this file; cluster workers inherit it): on SIGUSR2 it runs a full garbage collection and writes process.memoryUsage() to $BENCH_GC_STATS_FILE.<pid>, so the memory test can read live memory rather than a heap's free room.
import fs from 'node:fs';

process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const file = process.env.BENCH_GC_STATS_FILE;
  if (!file) return;
  fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(process.memoryUsage()));
  fs.renameSync(`${file}.${process.pid}.tmp`, `${file}.${process.pid}`);
});
