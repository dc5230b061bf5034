// How much CPU the machine gives this process right now: one spinning thread against two at once (shared vCPUs often give less than two cores).
import { Worker } from 'node:worker_threads';

const SPIN = `
const { parentPort, workerData } = require('node:worker_threads');
const end = Date.now() + workerData.ms;
let n = 0;
while (Date.now() < end) for (let i = 0; i < 100000; i++) n += i & 1;
parentPort.postMessage(n);
`;

function spin(ms) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(SPIN, { eval: true, workerData: { ms } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * Effective cores for two busy threads: (work done by two threads at once) ÷ (work done by one
 * alone). 2.0 means two real cores; about 1.0 means the two vCPUs share one core's worth of time.
 */
export async function effectiveCores({ ms = 1500 } = {}) {
  const one = await spin(ms);
  const two = await Promise.all([spin(ms), spin(ms)]);
  return (two[0] + two[1]) / one;
}
