/** The pages' addresses, built in one place. */
export const caseUrl = (workflowId: string) => `/saker/${encodeURIComponent(workflowId)}`;
