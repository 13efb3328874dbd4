/**
 * The worker process tests start (test/helpers/worker-process.ts) leaves nothing behind when it
 * is killed with SIGKILL, as worker-kill tests do: the tsx launcher it used to run under started
 * the real worker as a child of its own, which a SIGKILL of the launcher left polling for ever.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { startWorkerProcess } from '../helpers/worker-process';
import { isAlive } from '../helpers/process-alive';

const dir = mkdtempSync(join(tmpdir(), 'worker-process-'));
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** `pid` and every process below it. */
function processTree(pid: number): number[] {
  const rows = execFileSync('ps', ['-ax', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) for (const [child, parent] of rows) if (parent === tree[i]) tree.push(child);
  return tree;
}

test('a worker process killed with SIGKILL leaves no process of its own running', async () => {
  const worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: `worker-process-${randomUUID()}`,
    OUTBOX_DIR: join(dir, 'outbox'),
  });
  expect(worker.output()).toMatch('Saksarbeideren lytter');
  const tree = processTree(worker.process.pid!);

  await worker.kill('SIGKILL');

  const deadline = Date.now() + 3_000;
  while (tree.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(tree.filter(isAlive)).toEqual([]);
});
