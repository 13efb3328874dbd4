/**
 * Pseudonymous case ids. A case's workflow id is what Temporal stores and shows in plain text
 * (its database, Web UI, logs, the web application's URLs), so it must not carry the pupil's id.
 * It is a keyed hash (HMAC-SHA-256 with the key ring's id key) of school and pupil instead: the
 * same pupil at the same school always gets the same id, so detection can still open or signal a
 * case by its business key, but nobody without the key can tell whose case it is.
 *
 * The school id stays readable in front: it is no personal data, and it lets a coordinator's
 * access log and lists be narrowed to their schools by prefix.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'fravaerssak';
/** 24 hex digits: 96 bits, so two pupils never share an id in practice. */
const HASH_HEX = 24;

export class CaseIds {
  constructor(private readonly key: Buffer) {}

  /** The workflow id of the pupil's case at the school. */
  workflowId(schoolId: string, pupilId: string): string {
    const hash = createHmac('sha256', this.key).update(`case-id/v1\u0000${schoolId}\u0000${pupilId}`).digest('hex');
    return `${casePrefix(schoolId)}${hash.slice(0, HASH_HEX)}`;
  }
}

/** What every case id of the school starts with. */
export function casePrefix(schoolId: string): string {
  return `${PREFIX}-${schoolId}-`;
}
