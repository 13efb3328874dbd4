/**
 * Writes a file so readers see either the old or the new content, never half of it: write a
 * temporary file beside the target, flush it to disk, then rename it over the target. Used by
 * every local store that keeps state in JSON files (registrations, the detection ledger).
 */
import { open, rename, rm } from 'node:fs/promises';

export async function writeFileAtomic(target: string, body: string): Promise<void> {
  const temp = `${target}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(body, 'utf8');
    await handle.sync(); // the rename must not publish a file whose content is not on disk yet
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
