/**
 * Everything the case host runs from XState and the procedure machines (all four procedures in
 * every version, their zod schemas, labels and rules). Never imported directly by workflow code
 * (only `import type`): workflows/shared-modules.ts loads it once per worker and hands the same
 * instance to every case, so a cached case does not carry its own copy.
 */
export { initialTransition, transition } from 'xstate';
export { authorisationRefusal, detectionEventTypes } from '../machines/authorization';
export { caseFactsSchema, documentOf } from '../machines/case-context';
export { effectDefinitions, effectNames } from '../machines/effects';
export { parseCaseEvent } from '../machines/events';
export { delayName, eventNames } from '../machines/labels';
export { activeMeta, activePath, allowedEventTypes, delayNameOf } from '../machines/public-view';
export { buildCaseInput, getProcedure, legacyCaseFactsSchema } from '../machines/registry';
