/** Every workflow the case worker hosts; the worker bundles this file. */
export { stackCheckWorkflow } from './stack-check';
export { caseWorkflow } from './case-workflow';
export { dailyDetectionWorkflow } from './daily-detection';
