/** NamedError (app/named-error.ts): an error class named by its own class name, and the classes built on it. */
import { NamedError } from '../../app/named-error';
import { TriggerBelowLimitError, UnknownSchoolError, WrongProcedureError } from '../../casework/opening';
import { CaseDiagramError, CaseNotFoundError, TemporalUnreachableError } from '../../diagrams/case-diagram';

class ExampleError extends NamedError {}
class NarrowerError extends ExampleError {}

test('an error built on NamedError is named by its own class, keeps its message and cause, and is an Error', () => {
  const cause = new Error('underliggende');
  const err = new ExampleError('noe gikk galt', { cause });
  expect([err.name, err.message, err.cause]).toEqual(['ExampleError', 'noe gikk galt', cause]);
  expect(err).toBeInstanceOf(Error);
  expect(String(err)).toBe('ExampleError: noe gikk galt');
  expect(new NarrowerError('x').name).toBe('NarrowerError');
  expect(new NarrowerError('x')).toBeInstanceOf(ExampleError);
});

test.each([
  [UnknownSchoolError, 'UnknownSchoolError'],
  [WrongProcedureError, 'WrongProcedureError'],
  [TriggerBelowLimitError, 'TriggerBelowLimitError'],
  [CaseNotFoundError, 'CaseNotFoundError'],
  [TemporalUnreachableError, 'TemporalUnreachableError'],
  [CaseDiagramError, 'CaseDiagramError'],
])('%p is named %s', (ErrorClass, name) => {
  const err = new ErrorClass('melding');
  expect([err.name, err.message, err instanceof ErrorClass]).toEqual([name, 'melding', true]);
});
