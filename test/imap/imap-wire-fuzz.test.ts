// The short version of `npm run bench:imap-fuzz`: the IMAP command parser and a real `mailward serve` fed generated input, with a fixed seed so a run is repeatable; the bench itself runs a million parser inputs and a hundred thousand wire steps.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/cli.js';

const SCRIPT = path.resolve('bench/imap-fuzz/imap-fuzz-bench.mjs');

interface FuzzSummary {
  parser: { inputs: number; commands: number };
  wire: { steps: number; commands: number; replies: number; sessions: number; byes: number; heapGrowthMiB: number };
}

function runFuzz(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MAILWARD_LOG_LEVEL: 'warn' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('IMAP fuzz (short run)', { timeout: 240_000 }, () => {
  it('no crash, no hang, no leak, every reply a protocol reply, one tagged reply per command', async () => {
    assertBuilt();
    const run = await runFuzz(['--seed', '20261208', '--parser-inputs', '30000', '--wire-steps', '2500', '--connections', '4', '--no-write', '--json']);
    expect(run.code, run.output).toBe(0);
    const summary = JSON.parse(run.output.trim().split('\n').at(-1)!) as FuzzSummary;
    // The run must have reached what it claims to test: many inputs, commands in every state, and
    // sessions the server ended itself (too many bad commands, a literal it cannot skip, LOGOUT).
    expect(summary.parser.inputs).toBe(30_000);
    expect(summary.parser.commands).toBeGreaterThan(10_000);
    expect(summary.wire.steps).toBeGreaterThan(1500);
    expect(summary.wire.commands).toBeGreaterThan(4000);
    expect(summary.wire.replies).toBeGreaterThanOrEqual(summary.wire.commands);
    expect(summary.wire.sessions).toBeGreaterThan(50);
    expect(summary.wire.byes).toBeGreaterThan(0);
    expect(summary.wire.heapGrowthMiB).toBeLessThan(64);
  });
});
