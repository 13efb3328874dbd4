/**
 * The Mermaid diagram of every procedure shows every state and every transition of the
 * machine (checked against the structure walker), and is well formed: balanced composite
 * blocks, safe ids, every referenced id declared, labels free of the characters that end a
 * Mermaid label.
 */
import { roleNames } from '../../machines/labels';
import { getProcedure, currentProcedures } from '../../machines/registry';
import { procedureMermaid } from '../../diagrams';
import { resolveDelay } from '../../diagrams/delays';
import { isSafeMermaidId, mermaidLabel, mermaidText } from '../../diagrams/mermaid';
import { expectedStates, expectedTransitions } from './walk-expectations';

const procedures = currentProcedures().map((p) => [p.id, p] as const);

/** The id the diagram gives a state: its path with '__' for the dots. */
const idOf = (path: string) => path.replace(/\./g, '__');

interface Parsed {
  /** Declared states: id → description and the block (parent id, 'root') declaring it. */
  states: Map<string, { description: string; block: string }>;
  relations: { from: string; to: string; label?: string; block: string }[];
  classes: Map<string, string[]>;
}

/** A small reader for the subset of stateDiagram-v2 the generator writes; throws on anything else. */
function parse(text: string): Parsed {
  const lines = text.split('\n');
  expect(lines[0]).toBe('---');
  const end = lines.indexOf('---', 1);
  expect(lines[end + 1]).toBe('stateDiagram-v2');
  const parsed: Parsed = { states: new Map(), relations: [], classes: new Map() };
  const blocks = ['root'];
  for (const raw of lines.slice(end + 2)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('direction ') || line.startsWith('classDef ')) continue;
    let m: RegExpExecArray | null;
    if ((m = /^state "([^"]*)" as (\S+)( \{)?$/.exec(line))) {
      expect(parsed.states.has(m[2]!)).toBe(false);
      parsed.states.set(m[2]!, { description: m[1]!, block: blocks.at(-1)! });
      if (m[3]) blocks.push(m[2]!);
    } else if (line === '}') {
      blocks.pop();
      expect(blocks.length).toBeGreaterThan(0);
    } else if ((m = /^(\S+) --> (\S+)(?: : (.*))?$/.exec(line))) {
      parsed.relations.push({ from: m[1]!, to: m[2]!, ...(m[3] !== undefined ? { label: m[3] } : {}), block: blocks.at(-1)! });
    } else if ((m = /^class (\S+) (\w+)$/.exec(line))) {
      parsed.classes.set(m[2]!, m[1]!.split(','));
    } else {
      throw new Error(`unexpected Mermaid line: ${raw}`);
    }
  }
  expect(blocks).toEqual(['root']);
  return parsed;
}

describe.each(procedures)('%s', (_id, procedure) => {
  const text = procedureMermaid(procedure);
  const parsed = parse(text);

  test('is well formed: balanced blocks, safe ids, every id in a relation or class declared', () => {
    for (const id of parsed.states.keys()) expect(isSafeMermaidId(id)).toBe(true);
    for (const r of parsed.relations) {
      for (const id of [r.from, r.to]) if (id !== '[*]') expect(parsed.states.has(id)).toBe(true);
      // A label ends at ':' or ';' in Mermaid's grammar.
      if (r.label !== undefined) expect(r.label).not.toMatch(/[:;]/);
    }
    for (const ids of parsed.classes.values()) for (const id of ids) expect(parsed.states.has(id)).toBe(true);
  });

  test('every state is declared in its parent block with its label and responsible roles', () => {
    for (const state of expectedStates(procedure.machine)) {
      const declared = parsed.states.get(idOf(state.path));
      expect(declared).toBeDefined();
      const parent = state.path.includes('.') ? idOf(state.path.slice(0, state.path.lastIndexOf('.'))) : 'root';
      expect(declared!.block).toBe(parent);
      expect(declared!.description.split('<br/>')).toContain(mermaidText(state.label));
      for (const role of state.roles) expect(declared!.description).toContain(roleNames[role as keyof typeof roleNames]);
      if (state.final) expect(parsed.relations).toContainEqual(expect.objectContaining({ from: idOf(state.path), to: '[*]' }));
    }
  });

  test('every transition of the machine appears once, from its state to its target, with event or delay and guard', () => {
    const unmatched = parsed.relations.filter((r) => r.from !== '[*]' && r.to !== '[*]');
    for (const t of expectedTransitions(procedure.machine).filter((e) => e.target !== undefined)) {
      const tails = t.source === '' ? ['all_states'] : [idOf(t.source), `whole_${idOf(t.source)}`];
      const delay = procedure.machine.implementations.delays[t.trigger] ? ` – ${resolveDelay(procedure, t.trigger).phrase}` : '';
      const label = mermaidLabel([`${t.trigger}${delay}`, t.condition].filter(Boolean).join(' '));
      const index = unmatched.findIndex((r) => tails.includes(r.from) && r.to === idOf(t.target!) && r.label === label);
      if (index < 0) throw new Error(`no relation for ${t.source || '(root)'} --${label}--> ${t.target}`);
      unmatched.splice(index, 1);
    }
    expect(unmatched).toEqual([]);
  });

  test('every transition that stays is listed in its state or in the note of its compound state or the root', () => {
    for (const t of expectedTransitions(procedure.machine).filter((e) => e.target === undefined)) {
      const compound = expectedStates(procedure.machine).find((s) => s.path === t.source)?.compound ?? true;
      const holder = t.source === '' ? 'all_states' : compound ? `whole_${idOf(t.source)}` : idOf(t.source);
      const delay = procedure.machine.implementations.delays[t.trigger] ? ` – ${resolveDelay(procedure, t.trigger).phrase}` : '';
      expect(parsed.states.get(holder)?.description.split('<br/>')).toContain(
        mermaidText([`${t.trigger}${delay}`, t.condition].filter(Boolean).join(' ')),
      );
    }
  });

  test('every compound state and the machine have an initial arrow', () => {
    const compounds = expectedStates(procedure.machine).filter((s) => s.compound);
    expect(parsed.relations.filter((r) => r.from === '[*]')).toHaveLength(compounds.length + 1);
  });
});

test('ids that Mermaid would read as keywords, or that are not plain identifiers, are not safe', () => {
  for (const id of ['state', 'State', 'end', 'note', 'class', 'default', 'defaultX', 'a-b', '1a', 'a.b', ''])
    expect(isSafeMermaidId(id)).toBe(false);
  for (const id of ['closed', 'trinn2__callingMeeting', 'open__level0']) expect(isSafeMermaidId(id)).toBe(true);
});

test('descriptions and labels are escaped: no raw quotes or markup, no label-ending characters', () => {
  expect(mermaidText('Sa "hei" <b> %% æøå')).toBe('Sa #quot;hei#quot; #lt;b#gt; % æøå');
  expect(mermaidLabel('frist: innen 3 uker; ellers')).toBe('frist – innen 3 uker, ellers');
});

test('the title names the procedure and its version, Norwegian letters intact', () => {
  expect(procedureMermaid(getProcedure('plan-for-skolenaervaer'))).toContain(
    'title: "Plan for skolenærvær (plan-for-skolenaervaer, versjon 2)"',
  );
});
