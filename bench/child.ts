/**
 * Entry point of the benchmark's child processes (started by bench/main.ts with fork): takes one
 * task as JSON in argv[2], sends the result to the parent and exits. A failure is printed and
 * ends the process with code 1; the parent reports it.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type CaseListTask, runCaseListBench } from './case-list';
import { type WorkerTask, runWorkerSideBySide } from './cases-in-worker';
import { type DatabasePhaseTask, runDatabasePhase } from './database-phase';
import { type DetectionDispatchTask, runDetectionDispatchBench } from './detection-dispatch';
import { type LoadTask, runLoadBench } from './load';
import { type MeasureTask, measure } from './measure';
import { type WriteDataTask, writeData } from './write-data';

export type ChildTask = WriteDataTask | MeasureTask | DatabasePhaseTask | CaseListTask | LoadTask | DetectionDispatchTask | WorkerTask;

async function run(task: ChildTask): Promise<unknown> {
  if (task.role === 'case-list') return runCaseListBench(task.options, (line) => console.log(`  [case list] ${line}`));
  if (task.role === 'worker') {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const { figures, report } = await runWorkerSideBySide(task.options, (line) => console.log(`  [worker] ${line}`));
    return { figures, report };
  }
  if (task.role === 'detection-dispatch') {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    return runDetectionDispatchBench(task.options, (line) => console.log(`  [detection] ${line}`));
  }
  if (task.role === 'load') {
    // The worker's state changes and bundler statistics would bury the phase's own lines.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    return runLoadBench(task.options, (line) => console.log(`  [load] ${line}`));
  }
  const log = (line: string): void => console.log(`  [${task.pupils.toLocaleString('en-US')}] ${line}`);
  if (task.role === 'write-data') return writeData(task);
  if (task.role === 'database-phase') return runDatabasePhase(task, log);
  return measure(task, log);
}

if (require.main === module) {
  const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
  run(task)
    .then((result) => {
      if (!process.send) throw new Error('bench/child.ts must be started by bench/main.ts (no IPC channel)');
      process.send(result, () => process.disconnect());
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
