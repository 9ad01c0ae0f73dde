// Nothing a user asked to keep is ever half-written: write a temporary file beside the target, then
// rename it over the target (atomic on one file system).

import { randomBytes } from 'node:crypto';
import { link, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

/** File-system refusals that are the user's to fix (a wrong path), not stackhop's bugs. */
const USER_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
};

export async function writeFileAtomic(
  path: string,
  content: string,
  opts: { exclusive?: boolean } = {},
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { flag: 'wx', mode: 0o644 });
    if (opts.exclusive === true) {
      // link-then-unlink refuses to replace a file that appeared meanwhile; rename would overwrite it.
      await link(tmp, path);
      await unlink(tmp);
      return;
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === undefined ? undefined : USER_ERRORS[code];
    if (why !== undefined) {
      throw new InputError({ file: path, line: 0, col: 0 }, '', `cannot write the file: ${why} (${code})`, {
        cause: err,
      });
    }
    throw err;
  }
}
