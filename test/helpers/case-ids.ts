/**
 * The pseudonymous case ids of the tests: one fixed key, so a test can name the case of a pupil
 * it opened (app/case-ids.ts) and a case client made here finds the same cases.
 */
import { CaseIds } from '../../app/case-ids';

export const testCaseIds = new CaseIds(Buffer.alloc(32, 7));

/** The test cases' workflow id of the pupil at the school. */
export function caseWorkflowId(schoolId: string, pupilId: string): string {
  return testCaseIds.workflowId(schoolId, pupilId);
}
