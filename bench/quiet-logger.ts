/**
 * The logger the bench gives the workflow bundler: its statistics would bury the phases' own
 * lines, so only warnings and errors get through.
 */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
