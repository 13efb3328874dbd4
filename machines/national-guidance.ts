/**
 * The national guidance (Udir; docs/procedures/national-guidance.md) that applies inside every procedure,
 * and the two national rules on child welfare and BUP that the Rælingen guide spells out. Each machine
 * lists these clauses beside its own, so the same rule has the same id everywhere.
 */
import type { Clause } from './meta';

export const UDIR_SOURCE = 'Udir: Forebygge og følge opp bekymringsfullt fravær';
const RAELINGEN_SOURCE = 'Rælingen kommune: Fravær i barnehager og skoler – en praktisk og faglig veileder';

/** D.2: the pupil is heard before measures; D.3: follow-up continues after the pupil is back. */
export const nationalClauses: readonly Clause[] = [
  {
    id: 'D.2',
    source: UDIR_SOURCE,
    section: 'Kartlegge årsaker og følge opp',
    rule: 'The pupil must be heard (directly or through a trusted adult) before measures are agreed.',
  },
  {
    id: 'D.3',
    source: UDIR_SOURCE,
    section: 'Følge opp fraværet',
    rule: 'Follow-up continues after the pupil is back at school; this sets no waiting period before closing.',
  },
];

/**
 * Two rules the Rælingen guide states that rest on national law rather than on one
 * municipality's routine: the duty to bring child welfare in when harm is suspected, before any
 * other measure, and the specialist health service's conditions for a BUP referral (referred by
 * child welfare, a psychologist or the GP, with the guardians' consent, after the municipality's
 * own measures). Every procedure follows them, under the ids Rælingen's machine gave them first,
 * so the same rule has the same id everywhere.
 */
export const childWelfareAndBupClauses: readonly Clause[] = [
  {
    id: 'E.CW1',
    source: RAELINGEN_SOURCE,
    section: '2 Aktuelle offentlige instanser: Barnevernet',
    rule: 'Child welfare is always consulted before other measures are considered when violence or abuse, substance abuse by the guardians or neglect, or persistent serious behavioural problems are suspected.',
  },
  {
    id: 'E.BUP1',
    source: RAELINGEN_SOURCE,
    section: '2 Aktuelle offentlige instanser: BUP',
    rule: "A BUP referral requires that municipal measures have been tried; child welfare, a psychologist or the GP refers, with the guardians' consent.",
  },
];
