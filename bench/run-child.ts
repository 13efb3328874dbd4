/**
 * Starts one benchmark child process (bench/child.ts) for one task and resolves with the result
 * it sends back. Each child runs TypeScript through tsx and with --expose-gc, whether the parent
 * is `npm run bench` or a jest test, and from the project root, so `--import tsx` resolves. The
 * load phase's child gets a heap limit that lets its worker cache every case (bench/load.ts).
 */
import { fork } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import path from 'node:path';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import type { ChildTask } from './child';
import { loadHeapLimitMb } from './load';

/** The task as a failure names it. */
function describeTask(task: ChildTask): string {
  switch (task.role) {
    case 'case-list':
      return `the case list with ${task.options.cases} open cases`;
    case 'load':
      return `the load phase with ${task.options.cases} cases`;
    case 'case-audit':
      return `the audit of ${task.options.cases} real cases`;
    case 'cluster':
      return `the cluster phase with ${task.options.cases} cases a side`;
    case 'machines':
    case 'history':
      return `the ${task.role} phase`;
    case 'worker':
      return `the worker side by side with ${task.options.cases} cases a round`;
    case 'detection-dispatch':
      return `detection's delivery with ${task.options.pupils} pupils`;
    case 'database-phase':
      return `${task.database} ${task.phase} for ${task.pupils} pupils`;
    case 'write-data':
    case 'measure':
      return `${task.role} for ${task.pupils} pupils`;
  }
}

export function runChild<T>(task: ChildTask): Promise<T> {
  return new Promise((resolve, reject) => {
    const heapMb =
      task.role === 'load' ? loadHeapLimitMb(task.options.cases, getHeapStatistics().heap_size_limit / 1024 / 1024) : undefined;
    const child = fork(path.join(__dirname, 'child.ts'), [JSON.stringify(task)], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc', ...(heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`])],
    });
    let result: T | undefined;
    child.on('message', (message) => {
      result = message as T;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result !== undefined) resolve(result);
      else {
        const what = describeTask(task);
        reject(new Error(`${what} failed (exit code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''})`));
      }
    });
  });
}
