// Nothing a user asked to keep is ever half-written: write a temporary file beside the target, then
// rename it over the target (atomic on one file system).

import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
      const { link, unlink } = await import('node:fs/promises');
      await link(tmp, path);
      await unlink(tmp);
      return;
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
