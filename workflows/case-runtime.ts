/**
 * Everything the case workflow runs from XState and the procedure machines: the case host
 * (case-host.ts) with all four procedures in every version, their zod schemas, labels and rules.
 * Never imported directly by workflow code (only `import type`): workflows/shared-modules.ts
 * loads it once per worker and hands the same instance to every case, so a cached case does not
 * carry its own copy.
 */
export { detectionEventTypes } from '../machines/authorization';
export { effectDefinitions } from '../machines/effects';
export { getProcedure } from '../machines/registry';
export { CaseHost, InvalidCaseInputError } from './case-host';
