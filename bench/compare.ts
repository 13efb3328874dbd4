/**
 * Compares detect()'s triggers with the SQL baseline's hits, rule by rule, on (pupil, date fired).
 * Both report at most the first hit per pupil and rule, so the two sets must be equal.
 */
import type { DetectedTrigger } from '../detection/rules';
import type { SqlHit, SqlRule } from './sql-baseline';

export interface RuleAgreement {
  rule: SqlRule;
  detect: number;
  sql: number;
  /** Up to 5 "pupil firedOn" keys found by one side only, for the report. */
  onlyDetect: string[];
  onlySql: string[];
  /** How many keys each side has that the other lacks. */
  onlyDetectCount: number;
  onlySqlCount: number;
}

export interface Agreement {
  /** True when every compared rule has the same hits on both sides. */
  agree: boolean;
  rules: RuleAgreement[];
}

const key = (pupilId: string, firedOn: string): string => `${pupilId} ${firedOn}`;

/** Compares the given rules (those the procedure opens on and SQL implements). */
export function compareHits(triggers: readonly DetectedTrigger[], hits: readonly SqlHit[], rules: readonly SqlRule[]): Agreement {
  const result: RuleAgreement[] = rules.map((rule) => {
    const fromDetect = new Set(triggers.filter((t) => t.rule === rule).map((t) => key(t.pupilId, t.firedOn)));
    const fromSql = new Set(hits.filter((h) => h.rule === rule).map((h) => key(h.pupilId, h.firedOn)));
    const onlyDetect = [...fromDetect].filter((k) => !fromSql.has(k));
    const onlySql = [...fromSql].filter((k) => !fromDetect.has(k));
    return {
      rule,
      detect: fromDetect.size,
      sql: fromSql.size,
      onlyDetect: onlyDetect.slice(0, 5),
      onlySql: onlySql.slice(0, 5),
      onlyDetectCount: onlyDetect.length,
      onlySqlCount: onlySql.length,
    };
  });
  return { agree: result.every((r) => r.onlyDetectCount === 0 && r.onlySqlCount === 0), rules: result };
}
