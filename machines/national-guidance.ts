/**
 * The national guidance (Udir, seed 003, procedures.md D) that applies inside every procedure.
 * Each machine lists these clauses beside its own, so the same rule has the same id everywhere.
 */
import type { Clause } from './meta';

export const UDIR_SEED = 'seeds/003_454750ee85d3d9e6.txt';

/** D.2: the pupil is heard before measures; D.3: follow-up continues after the pupil is back. */
export const nationalClauses: readonly Clause[] = [
  { id: 'D.2', seed: UDIR_SEED, section: 'Kartlegging', rule: 'The pupil must be heard (directly or through a trusted adult) before measures are agreed.' },
  { id: 'D.3', seed: UDIR_SEED, section: 'Oppfølging', rule: 'Follow-up continues after the pupil is back at school, before the case is closed.' },
];
