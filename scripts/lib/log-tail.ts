/** The last lines of a server's log, for the error that says it did not come up. */
import { readFileSync } from 'node:fs';

export function logTail(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(tom logg)';
  } catch {
    return '(ingen logg)';
  }
}
