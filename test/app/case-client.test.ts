/**
 * The case client's list filters become one visibility query over the search attributes, and the
 * client turns Temporal's "not found" and "update failed" into its own errors (checked against a
 * stand-in for the SDK's Client; the client against a real server: test/cli/cli.devserver.test.ts).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { CaseClient, CaseNotFoundError, caseListQuery, pupilOfListed } from '../../app/case-client';
import type { CaseWorkflowInput } from '../../workflows/case-messages';
import { caseWorkflowId, testCaseIds } from '../helpers/case-ids';

const now = new Date('2026-10-01T08:00:00.000Z');

describe('caseListQuery', () => {
  test('no filter: every case workflow', () => {
    expect(caseListQuery({}, now)).toBe("WorkflowType = 'caseWorkflow'");
  });

  test.each([
    [{ schoolId: 'S001' }, "SchoolId = 'S001'"],
    [{ procedureId: 'tiltaksplan-elevfravaer' }, "ProcedureId = 'tiltaksplan-elevfravaer'"],
    [{ status: 'open' as const }, "CaseStatus = 'open'"],
    [{ status: 'closed' as const }, "CaseStatus = 'closed'"],
    [{ overdue: true }, 'DeadlineOverdue = true'],
    [{ dueWithinDays: 7 }, "NextDeadline <= '2026-10-08T08:00:00.000Z'"],
    [{ dueWithinDays: 0 }, "NextDeadline <= '2026-10-01T08:00:00.000Z'"],
    [{ stage: 'measures' }, "CaseStage = 'measures'"],
    [{ schoolIds: ['S001', 'S002'] }, "SchoolId IN ('S001', 'S002')"],
    [{ workflowIds: ['fravaerssak-S001-e1'] }, "WorkflowId IN ('fravaerssak-S001-e1')"],
    [{ schoolIds: [] }, "SchoolId = ''"],
    [{ workflowIds: [] }, "WorkflowId = ''"],
    [{ schoolIds: ["S0'1"] }, "SchoolId IN ('S0\\'1')"],
  ])('%j narrows by its search attribute', (filter, clause) => {
    expect(caseListQuery(filter, now)).toBe(`WorkflowType = 'caseWorkflow' AND ${clause}`);
  });

  test('overdue: false does not filter', () => {
    expect(caseListQuery({ overdue: false }, now)).toBe("WorkflowType = 'caseWorkflow'");
  });

  test('every filter together, joined with AND in a fixed order', () => {
    expect(
      caseListQuery({ dueWithinDays: 1, overdue: true, status: 'open', procedureId: 'raelingen-veileder', schoolId: 'S016' }, now),
    ).toBe(
      "WorkflowType = 'caseWorkflow' AND SchoolId = 'S016' AND ProcedureId = 'raelingen-veileder' AND CaseStatus = 'open' AND " +
        "DeadlineOverdue = true AND NextDeadline <= '2026-10-02T08:00:00.000Z'",
    );
  });

  test('a quote or backslash in a value cannot end the string early', () => {
    expect(caseListQuery({ schoolId: "S1' OR WorkflowType = 'x" }, now)).toBe(
      "WorkflowType = 'caseWorkflow' AND SchoolId = 'S1\\' OR WorkflowType = \\'x'",
    );
    expect(caseListQuery({ schoolId: 'S1\\' }, now)).toBe("WorkflowType = 'caseWorkflow' AND SchoolId = 'S1\\\\'");
  });
});

describe('CaseClient over a stand-in Client', () => {
  const listed: string[] = [];
  const notFound = () => Promise.reject(new WorkflowNotFoundError('not found', 'fravaerssak-S001-x', undefined));
  const fake = {
    workflow: {
      async *list({ query }: { query: string }) {
        listed.push(query);
        yield { workflowId: 'fravaerssak-S001-a', status: { name: 'CONTINUED_AS_NEW' } };
        yield { workflowId: 'fravaerssak-S001-a', status: { name: 'RUNNING' } };
        yield { workflowId: 'fravaerssak-S001-b', status: { name: 'COMPLETED' } };
      },
      getHandle: () => ({ query: notFound, signal: notFound, describe: notFound, executeUpdate: notFound }),
    },
  } as unknown as Client;
  const cases = new CaseClient(fake, 'saker', testCaseIds);

  test('list sends the filter as the visibility query and gives each case once, by its current run', async () => {
    const found = [];
    for await (const wf of cases.list({ schoolId: 'S001', overdue: true }, now)) found.push([wf.workflowId, wf.status.name]);
    expect(listed).toEqual(["WorkflowType = 'caseWorkflow' AND SchoolId = 'S001' AND DeadlineOverdue = true"]);
    expect(found).toEqual([
      ['fravaerssak-S001-a', 'RUNNING'],
      ['fravaerssak-S001-b', 'COMPLETED'],
    ]);
  });

  test('a case is started with its school, procedure and opening time as search attributes, so a list taken before its first task finds it by them', async () => {
    const started: unknown[] = [];
    const starting = {
      workflow: {
        start: (_type: string, options: unknown) => (started.push(options), Promise.resolve()),
        signalWithStart: (_type: string, options: unknown) => (started.push(options), Promise.resolve()),
      },
    } as unknown as Client;
    const input = {
      procedureId: 'tiltaksplan-elevfravaer',
      facts: { schoolId: 'S001', pupilId: 'p1', openedAt: '2026-09-03T12:00:00.000Z' },
    } as unknown as CaseWorkflowInput;
    const client = new CaseClient(starting, 'saker', testCaseIds);
    await client.open(input);
    await client.openOrSignal('fravaerssak-S001-p1', input, {} as never);
    for (const options of started as { typedSearchAttributes: { key: { name: string }; value: unknown }[] }[]) {
      expect(options.typedSearchAttributes.map(({ key, value }) => [key.name, value])).toEqual([
        ['SchoolId', 'S001'],
        ['ProcedureId', 'tiltaksplan-elevfravaer'],
        ['CaseOpenedAt', new Date('2026-09-03T12:00:00.000Z')],
      ]);
    }
    expect(started).toHaveLength(2);
  });

  test("a case's workflow id is pseudonymous (the school in front, no pupil id); the pupil goes in its memo", async () => {
    const started: { workflowId?: string; memo?: unknown }[] = [];
    const starting = {
      workflow: { start: (_type: string, options: { workflowId: string; memo: unknown }) => (started.push(options), Promise.resolve()) },
    } as unknown as Client;
    const input = {
      procedureId: 'tiltaksplan-elevfravaer',
      facts: { schoolId: 'S001', pupilId: 'elev-17', openedAt: '2026-09-03T12:00:00.000Z' },
    } as unknown as CaseWorkflowInput;
    const client = new CaseClient(starting, 'saker', testCaseIds);
    const workflowId = await client.open(input);
    expect(workflowId).toBe(client.workflowIdFor('S001', 'elev-17'));
    expect(workflowId).toBe(caseWorkflowId('S001', 'elev-17'));
    expect(workflowId).toMatch(/^fravaerssak-S001-[0-9a-f]{24}$/);
    expect(workflowId).not.toContain('elev-17');
    expect(client.workflowIdFor('S001', 'elev-18')).not.toBe(workflowId);
    expect(client.workflowIdFor('S002', 'elev-17')).not.toBe(workflowId);
    expect(started).toEqual([expect.objectContaining({ workflowId, memo: { pupilId: 'elev-17' } })]);
    expect(pupilOfListed({ memo: { pupilId: 'elev-17' } })).toBe('elev-17');
    expect(pupilOfListed({ memo: undefined })).toBeUndefined();
    expect(pupilOfListed({ memo: { pupilId: 17 } })).toBeUndefined();
  });

  test("pupilIds lists those pupils' cases at the school by their pseudonymous ids, within workflowIds if given too", async () => {
    const queries: string[] = [];
    const listing = {
      workflow: {
        // eslint-disable-next-line require-yield
        async *list({ query }: { query: string }) {
          queries.push(query);
        },
      },
    } as unknown as Client;
    const client = new CaseClient(listing, 'saker', testCaseIds);
    const drain = async (filter: Parameters<CaseClient['list']>[0]) => {
      for await (const _ of client.list(filter, now)) throw new Error('nothing is listed');
    };
    const [e1, e2] = [caseWorkflowId('S001', 'e1'), caseWorkflowId('S001', 'e2')];
    await drain({ schoolId: 'S001', pupilIds: ['e1', 'e2'] });
    await drain({ schoolId: 'S001', pupilIds: ['e1', 'e2'], workflowIds: [e2, 'fravaerssak-S001-annen'] });
    await drain({ schoolId: 'S001', pupilIds: [] });
    expect(queries).toEqual([
      `WorkflowType = 'caseWorkflow' AND SchoolId = 'S001' AND WorkflowId IN ('${e1}', '${e2}')`,
      `WorkflowType = 'caseWorkflow' AND SchoolId = 'S001' AND WorkflowId IN ('${e2}')`,
      "WorkflowType = 'caseWorkflow' AND SchoolId = 'S001' AND WorkflowId = ''",
    ]);
  });

  test('a case that does not exist is CaseNotFoundError for view, send and facts, and simply not open', async () => {
    await expect(cases.view('fravaerssak-S001-x')).rejects.toThrow(CaseNotFoundError);
    await expect(cases.view('fravaerssak-S001-x')).rejects.toThrow('Finner ingen sak «fravaerssak-S001-x».');
    await expect(cases.send('fravaerssak-S001-x', {} as never)).rejects.toThrow(CaseNotFoundError);
    await expect(cases.signalFacts('fravaerssak-S001-x', {} as never)).rejects.toThrow(CaseNotFoundError);
    expect(await cases.isOpen('fravaerssak-S001-x')).toBe(false);
  });
});
