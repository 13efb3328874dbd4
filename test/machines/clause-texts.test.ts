/** The Norwegian clause texts: one for every clause of every procedure version, none left over, none in English. */
import { V1_SUFFIX, clauseTextNb, clauseTextsNb } from '../../machines/clause-texts';
import type { Clause } from '../../machines/meta';
import { getProcedure, listProcedures } from '../../machines/registry';

/** Words that only an English text would contain, padded so Norwegian words holding them (skolen) pass. */
const englishGiveaways = [' the ', ' must ', ' school ', ' guardians ', ' within '];

const clauseCases = listProcedures().flatMap((procedure) =>
  procedure.clauses.map((clause) => [`${procedure.id} v${procedure.version} [${clause.id}]`, procedure.id, clause] as const),
);

/** The English giveaway words `text` contains. */
const giveawaysIn = (text: string): string[] => {
  const padded = ` ${text.toLowerCase().replace(/[.,;:()«»]/g, ' ')} `;
  return englishGiveaways.filter((word) => padded.includes(word));
};

test('the giveaway check finds an English sentence and passes a Norwegian one', () => {
  expect(giveawaysIn('The school contacts the guardians.')).toEqual([' the ', ' school ', ' guardians ']);
  expect(giveawaysIn('Skolen kontakter foresatte innen 3 dager.')).toEqual([]);
});

test('there are clauses to check in every procedure version', () => {
  expect(listProcedures().length).toBeGreaterThanOrEqual(8);
  for (const procedure of listProcedures()) expect(procedure.clauses.length).toBeGreaterThan(0);
});

test.each(clauseCases)('%s has a Norwegian text that is not its English rule', (_name, procedureId, clause) => {
  const text = clauseTextNb(procedureId, clause);
  expect(text.trim().length).toBeGreaterThan(0);
  expect(text).not.toBe(clause.rule);
  expect(giveawaysIn(text)).toEqual([]);
});

test('a version-1 clause reads the current text when its rule is unchanged, and its own @v1 text when the rule changed', () => {
  const changed: string[] = [];
  for (const procedure of listProcedures().filter((p) => p.version === 1)) {
    const current = getProcedure(procedure.id);
    for (const old of procedure.clauses) {
      const now = current.clauses.find((c) => c.id === old.id);
      if (now === undefined || now.rule === old.rule) {
        expect(clauseTextNb(procedure.id, old)).toBe(clauseTextsNb[procedure.id]?.[old.id]);
      } else {
        changed.push(`${procedure.id} ${old.id}`);
        expect(clauseTextNb(procedure.id, old)).toBe(clauseTextsNb[procedure.id]?.[`${old.id}${V1_SUFFIX}`]);
        expect(clauseTextNb(procedure.id, old)).not.toBe(clauseTextNb(procedure.id, now));
      }
    }
  }
  // The rules that changed between version 1 and 2; a new change needs its own @v1 text.
  expect(changed.sort()).toEqual(
    [
      'plan-for-skolenaervaer A.T2.4',
      'tiltaksplan-elevfravaer C.2.1b',
      'tiltaksplan-elevfravaer C.3.2c',
      'raelingen-veileder E.S7c',
      'raelingen-veileder E.S8',
      'raelingen-veileder E.S10a',
      'raelingen-veileder E.S10b',
    ].sort(),
  );
});

test('the table has no unknown procedures or ids: every key is a clause, every @v1 key a changed version-1 rule', () => {
  for (const [procedureId, texts] of Object.entries(clauseTextsNb)) {
    const versions = listProcedures().filter((p) => p.id === procedureId);
    expect(versions.length).toBeGreaterThan(0);
    const ids = new Set(versions.flatMap((p) => p.clauses.map((c) => c.id)));
    for (const key of Object.keys(texts)) {
      if (key.endsWith(V1_SUFFIX)) {
        const id = key.slice(0, -V1_SUFFIX.length);
        const oldRule = getProcedure(procedureId, 1).clauses.find((c) => c.id === id)?.rule;
        const currentRule = getProcedure(procedureId).clauses.find((c) => c.id === id)?.rule;
        expect({ key, oldRule: oldRule !== undefined, changed: oldRule !== currentRule }).toEqual({ key, oldRule: true, changed: true });
      } else {
        expect({ procedureId, key, known: ids.has(key) }).toEqual({ procedureId, key, known: true });
      }
    }
  }
});

test('no text in the table, @v1 texts included, contains an English giveaway word', () => {
  for (const [procedureId, texts] of Object.entries(clauseTextsNb)) {
    for (const [key, text] of Object.entries(texts)) {
      expect({ procedureId, key, giveaways: giveawaysIn(text) }).toEqual({ procedureId, key, giveaways: [] });
    }
  }
});

test('a clause without a text throws, naming the procedure and the clause id', () => {
  const unknown: Clause = { id: 'X.9', source: 'Ingen', section: '9', rule: 'No such rule.' };
  expect(() => clauseTextNb('plan-for-skolenaervaer', unknown)).toThrow(/«X\.9».*«plan-for-skolenaervaer»/);
  const known = getProcedure('plan-for-skolenaervaer').clauses[0] as Clause;
  expect(() => clauseTextNb('ukjent-rutine', known)).toThrow(new RegExp(`«${known.id.replace(/\./g, '\\.')}».*«ukjent-rutine»`));
});
