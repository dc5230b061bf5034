// IMAP fuzzing: (p) the command parser fed a million generated inputs in process, (w) generated sessions against a real `mailward serve`: no crash, no hang, no unbounded memory, every reply a protocol reply.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { benchOptions, machine, runBench } from '../bench-cli.mjs';
import { writeResultsBlock } from '../results-file.mjs';
import { REPO } from '../serve-process.mjs';
import { junk, oversized, step, stepText } from './inputs.mjs';
import { prepareServer } from './fuzz-server.mjs';
import { runWire } from './wire-run.mjs';

const USAGE = `Usage: npm run bench:imap-fuzz -- [options]

  --parser-inputs N   inputs for the in-process parser fuzz (default 1000000)
  --wire-steps N      steps (a few commands each) sent to a real server (default 100000)
  --connections N     connections at once in the wire fuzz (default 8)
  --seed N            fast-check seed (default: from the clock; printed, so a failure can be replayed)
  --json              print the summary as one JSON line at the end
  --no-write          do not update bench/RESULTS.md
  --help`;

const { IMAPCommandParser } = await import(path.join(REPO, 'dist', 'proto', 'imap', 'imap-command-parser.js')).catch(() => ({}));

/** Splits bytes at the given cut points (taken modulo the length). */
function cut(bytes, points) {
  const offsets = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks = [];
  let previous = 0;
  for (const offset of offsets) {
    chunks.push(bytes.subarray(previous, offset));
    previous = offset;
  }
  chunks.push(bytes.subarray(previous));
  return chunks;
}

const LIMITS = { maxLineBytes: 4096, maxLiteralBytes: 2048, maxNonSynchronizingLiteralBytes: 512, maxCommandBytes: 16_384 };

function feed(chunks, options = LIMITS) {
  const parser = new IMAPCommandParser(options);
  return chunks.flatMap((chunk) => parser.push(chunk));
}

/** (p): every generated input through the parser: no throw, at most one event per byte, the same events however split, and a fresh command parses after it. */
function parserFuzz({ inputs, seed }) {
  const input = fc.oneof({ arbitrary: step.map((s) => stepText(s, 0)), weight: 60 }, { arbitrary: junk, weight: 40 }, { arbitrary: oversized, weight: 1 }).map((text) => Buffer.from(text, 'latin1'));
  let bytes = 0;
  let events = 0;
  let commands = 0;
  let peakHeap = 0;
  let runs = 0;
  const started = process.hrtime.bigint();
  fc.assert(
    fc.property(input, fc.array(fc.nat(), { maxLength: 6 }), (data, points) => {
      runs++;
      bytes += data.length;
      const whole = feed([data]);
      events += whole.length;
      commands += whole.filter((e) => e.kind === 'command').length;
      if (whole.length > data.length) throw new Error(`${whole.length} events from ${data.length} bytes`);
      const split = feed(cut(data, points));
      if (JSON.stringify(split) !== JSON.stringify(whole)) throw new Error('the events depend on how the bytes were split');
      // Recovery: a pending literal (at most maxLiteralBytes here, or the command is skipped) swallows the padding first.
      const parser = new IMAPCommandParser(LIMITS);
      parser.push(data);
      if (parser.literalBytesExpected > LIMITS.maxLiteralBytes) return;
      parser.push(Buffer.alloc(parser.literalBytesExpected, 0x78));
      const after = parser.push(Buffer.from('\r\nZ9 NOOP\r\n'));
      if (!after.some((e) => e.kind === 'command' && e.command.tag === 'Z9' && e.command.name === 'NOOP')) throw new Error(`no recovery: ${JSON.stringify(after)}`);
      if (runs % 10_000 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }),
    { numRuns: inputs, seed, endOnFailure: false },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { inputs: runs, bytes, events, commands, seconds, inputsPerSecond: runs / seconds, peakHeapMiB: peakHeap / 1024 / 1024 };
}

function block(result) {
  const m = result.machine;
  const p = result.parser;
  const w = result.wire;
  return [
    `Run ${m.date} on ${m.nproc} × ${m.cpu}, ${m.kernel}, Node ${m.node}, nice ${m.nice}, load ${m.loadStart} → ${m.loadEnd}; seed ${result.seed}.`,
    '',
    '| part | inputs | what ran | time | result |',
    '|---|---|---|---|---|',
    `| (p) parser, in process | ${p.inputs.toLocaleString('en')} | ${(p.bytes / 1e6).toFixed(1)} MB, ${p.events.toLocaleString('en')} events, ${p.commands.toLocaleString('en')} commands; split and recovery checked on each | ${p.seconds.toFixed(0)} s (${Math.round(p.inputsPerSecond).toLocaleString('en')}/s), heap peak ${p.peakHeapMiB.toFixed(0)} MiB | 0 failures |`,
    `| (w) real \`mailward serve\`, ${w.connections} connections | ${w.steps.toLocaleString('en')} steps | ${w.commands.toLocaleString('en')} commands framed, ${w.replies.toLocaleString('en')} replies checked, ${w.sessions.toLocaleString('en')} sessions (${w.byes.toLocaleString('en')} ended by the server's BYE), ${w.scripted.toLocaleString('en')} IDLE, AUTHENTICATE or STARTTLS exchanges (${w.handshakes.toLocaleString('en')} TLS handshakes), ${w.bytesSent >= 1e6 ? `${(w.bytesSent / 1e6).toFixed(0)} MB` : `${w.bytesSent} B`} sent | ${w.seconds.toFixed(0)} s (${Math.round(w.stepsPerSecond).toLocaleString('en')} steps/s); server CPU ${w.serverCpuSeconds.toFixed(0)} s; live heap ${w.heapStartMiB.toFixed(0)} → ${w.heapEndMiB.toFixed(0)} MiB, RSS peak ${w.rssPeakMiB.toFixed(0)} MiB | 0 failures, 0 server errors |`,
  ].join('\n');
}

process.exitCode = await runBench({
  name: 'imap-fuzz',
  usage: USAGE,
  needs: 'dist/proto/imap/imap-command-parser.js',
  parse: (argv) => benchOptions(argv, { 'parser-inputs': '1000000', 'wire-steps': '100000', connections: '8', seed: undefined }, ['json', 'no-write', 'help']),
  run: async (options) => {
    const seed = options.seed === undefined ? Date.now() % 2 ** 31 : Number(options.seed);
    console.log(`imap-fuzz: seed ${seed} (replay with --seed ${seed})`);
    const loadStart = os.loadavg()[0].toFixed(2);
    const result = { seed };
    try {
      result.parser = parserFuzz({ inputs: Number(options['parser-inputs']), seed });
      console.log(`(p) ${result.parser.inputs} parser inputs in ${result.parser.seconds.toFixed(1)} s: no failure`);
      const server = await prepareServer();
      try {
        result.wire = await runWire({ server, steps: Number(options['wire-steps']), connections: Number(options.connections), seed });
      } finally {
        await server.stop();
      }
    } catch (error) {
      console.error(`imap-fuzz: FAILED (seed ${seed}): ${error.message}`);
      if (error.transcript) {
        const file = path.join(os.tmpdir(), `imap-fuzz-failure-${seed}.txt`);
        fs.writeFileSync(file, `${error.message}\n\n${error.transcript}\n`);
        console.error(`imap-fuzz: the connection's transcript is in ${file}`);
      }
      return 1;
    }
    result.machine = machine({ loadStart, loadEnd: os.loadavg()[0].toFixed(2) });
    const w = result.wire;
    console.log(`(w) ${w.steps} steps, ${w.commands} commands, ${w.replies} replies over ${w.sessions} sessions in ${w.seconds.toFixed(1)} s: no failure; live heap ${w.heapStartMiB.toFixed(1)} → ${w.heapEndMiB.toFixed(1)} MiB`);
    if (!options['no-write']) writeResultsBlock({ name: 'imap-fuzz', section: '## IMAP wire fuzz (bench/imap-fuzz)', block: block(result) });
    if (options.json) console.log(JSON.stringify({ parser: result.parser, wire: result.wire }));
    return 0;
  },
});
