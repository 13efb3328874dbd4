/**
 * The archive's files, stored by their SHA-256 checksum under one folder
 * (`sha256/ab/cd/<checksum>.pdf`): the same bytes are one file, and a file once written is never
 * written again. Each is written to a temporary file, flushed, and linked into place (a link
 * never replaces an existing file), so a reader never sees half a file and a crash leaves at most
 * a temporary file or an unreferenced one behind, never a damaged one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveIntegrityError } from './archive-error';

export interface StoredContent {
  checksum: string;
  size: number;
  /** The file's path under the folder, with forward slashes. */
  key: string;
}

export const sha256 = (content: Uint8Array): string => createHash('sha256').update(content).digest('hex');

/** Where content with `checksum` lives under the folder. */
export const contentKey = (checksum: string, extension = 'pdf'): string =>
  ['sha256', checksum.slice(0, 2), checksum.slice(2, 4), `${checksum}.${extension}`].join('/');

export class ContentFiles {
  constructor(readonly dir: string) {}

  pathOf(key: string): string {
    return path.join(this.dir, ...key.split('/'));
  }

  /** Stores `content` unless the same bytes are stored already; answers where. */
  async put(content: Uint8Array, extension = 'pdf'): Promise<StoredContent> {
    const checksum = sha256(content);
    const key = contentKey(checksum, extension);
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Stored before (the same bytes filed again, or a retry): the file must still be intact.
      const existing = await readFile(target);
      if (sha256(existing) !== checksum)
        throw new ArchiveIntegrityError(`Arkivfilen ${key} er endret eller skadet etter at den ble lagret; den blir ikke overskrevet.`);
    } finally {
      await unlink(temp);
    }
    await syncDirectory(path.dirname(target));
    return { checksum, size: content.byteLength, key };
  }

  /** The file's bytes, or undefined when it is missing. */
  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

/** Makes the new directory entry durable, so a row written after it never points at a file a power cut lost. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot sync a directory; the file itself is synced.
  } finally {
    await handle.close();
  }
}
