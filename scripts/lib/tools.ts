/**
 * Locations of the pinned Temporal binaries that scripts/install-tools.sh puts in .tools/bin.
 * Failing here with a clear message beats the SDK's attempt to download a server.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const TOOLS_BIN = resolve(PROJECT_ROOT, '.tools', 'bin');

function tool(name: string): string {
  const path = resolve(TOOLS_BIN, name);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run "npm run setup" (scripts/install-tools.sh) first`);
  }
  return path;
}

/** The Temporal CLI (dev server). */
export const temporalCliPath = (): string => tool('temporal');

/** The time-skipping test server. */
export const temporalTestServerPath = (): string => tool('temporal-test-server');
