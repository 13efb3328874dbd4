/**
 * Entry point of the benchmark's child processes (started by bench/main.ts with fork): takes one
 * task as JSON in argv[2], sends the result to the parent and exits. A failure is printed and
 * ends the process with code 1; the parent reports it.
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { type CaseAuditTask, runCaseAuditBench } from './case-audit-phase';
import { type CaseListTask, runCaseListBench } from './case-list';
import { type ClusterTask, runClusterBench } from './cluster-phase';
import { type WorkerTask, runWorkerSideBySide } from './cases-in-worker';
import { type DatabasePhaseTask, runDatabasePhase } from './database-phase';
import { runHistoryBench } from './history';
import { runTransitionsBench } from './transitions';
import { type DetectionDispatchTask, runDetectionDispatchBench } from './detection-dispatch';
import { type LoadTask, runLoadBench } from './load';
import { type MeasureTask, measure } from './measure';
import { type WriteDataTask, writeData } from './write-data';

/** The phases whose runner needs no options from the command line. */
export interface PlainPhaseTask {
  role: 'machines' | 'history';
}

export type ChildTask =
  | WriteDataTask
  | MeasureTask
  | DatabasePhaseTask
  | CaseListTask
  | LoadTask
  | DetectionDispatchTask
  | WorkerTask
  | CaseAuditTask
  | ClusterTask
  | PlainPhaseTask;

/** A phase's lines, prefixed with its name, below the parent's. */
const logFor =
  (name: string) =>
  (line: string): void =>
    console.log(`  [${name}] ${line}`);

/** Phases that run a Temporal worker: its state changes and bundler statistics would bury the phase's own lines. */
function quietTemporal(): void {
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

async function run(task: ChildTask): Promise<unknown> {
  const perSize = (t: { pupils: number }) => logFor(t.pupils.toLocaleString('en-US'));
  switch (task.role) {
    case 'write-data':
      return writeData(task);
    case 'measure':
      return measure(task, perSize(task));
    case 'database-phase':
      return runDatabasePhase(task, perSize(task));
    case 'case-list':
      return runCaseListBench(task.options, logFor('case list'));
    case 'machines': {
      const { figures, report } = await runTransitionsBench({}, logFor('machines'));
      return { figures, report };
    }
    case 'history': {
      quietTemporal();
      const { figures, report } = await runHistoryBench({}, logFor('history'));
      return { figures, report };
    }
    case 'worker': {
      quietTemporal();
      const { figures, report } = await runWorkerSideBySide(task.options, logFor('worker'));
      return { figures, report };
    }
    case 'detection-dispatch':
      quietTemporal();
      return runDetectionDispatchBench(task.options, logFor('detection'));
    case 'load':
      quietTemporal();
      return runLoadBench(task.options, logFor('load'));
    case 'case-audit':
      quietTemporal();
      return runCaseAuditBench(task.options, logFor('case audit'));
    case 'cluster':
      quietTemporal();
      return runClusterBench(task.options, logFor('cluster'));
  }
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
