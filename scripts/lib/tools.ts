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
    throw new Error(`${path} mangler: kjør "npm run setup" (scripts/install-tools.sh) først`);
  }
  return path;
}

/** The Temporal CLI (dev server). */
export const temporalCliPath = (): string => tool('temporal');

/**
 * The time-skipping test server, as the path to give the SDK (`existing-path`): a wrapper
 * (scripts/lib/temporal-test-server.sh) that runs the pinned binary and stops it when the process
 * that started it dies, so a crashed test or audit does not leave servers behind.
 */
export const temporalTestServerPath = (): string => {
  tool('temporal-test-server');
  return resolve(PROJECT_ROOT, 'scripts', 'lib', 'temporal-test-server.sh');
};
