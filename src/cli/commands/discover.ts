// `stackhop discover [--os-cloud NAME] [-o FILE] [--json]`: build an inventory from a running cloud's
// APIs. The YAML carries a `# discover:` line for every guess and gap; `--json` prints the same as
// `{ inventory, marks }`. Credentials as for `run`: a clouds.yaml entry, OS_CLOUD, or the OS_* variables.

import { CATALOG } from '../../catalog/index.js';
import type { Catalog } from '../../catalog/types.js';
import { buildInventory } from '../../discover/build.js';
import { gatherSnapshot } from '../../discover/gather.js';
import { renderInventory } from '../../discover/render.js';
import type { CloudsSearch } from '../../drivers/openstack/clouds.js';
import type { HttpOptions } from '../../drivers/openstack/http.js';
import type { CommandResult } from '../result.js';
import { writeFileAtomic } from '../write-file.js';

export interface DiscoverOptions {
  osCloud?: string;
  output?: string;
  json: boolean;
  env?: NodeJS.ProcessEnv;
  /** Where clouds.yaml is looked for (tests). */
  search?: Omit<CloudsSearch, 'env'>;
  http?: HttpOptions;
  catalog?: Catalog;
}

export async function discover(opts: DiscoverOptions): Promise<CommandResult> {
  const snapshot = await gatherSnapshot({
    ...(opts.osCloud === undefined ? {} : { osCloud: opts.osCloud }),
    ...(opts.env === undefined ? {} : { env: opts.env }),
    ...(opts.search === undefined ? {} : { search: opts.search }),
    ...(opts.http === undefined ? {} : { http: opts.http }),
  });
  const { doc, marks } = buildInventory(snapshot, opts.catalog ?? CATALOG);
  const text = opts.json
    ? `${JSON.stringify({ inventory: doc, marks }, null, 2)}\n`
    : renderInventory(doc, marks);
  const guessed = marks.filter((m) => m.kind === 'guessed').length;
  const summary =
    `discovered ${doc.cloud}: ${doc.upgrade.from}, ${doc.hosts.length} host${doc.hosts.length === 1 ? '' : 's'}; ` +
    `${guessed} guess${guessed === 1 ? '' : 'es'} and ${marks.length - guessed} gap${marks.length - guessed === 1 ? '' : 's'} marked`;
  if (opts.output !== undefined && opts.output !== '-') {
    await writeFileAtomic(opts.output, text);
    const next = opts.json ? '' : `; review the "# discover:" lines, then: stackhop validate ${opts.output}`;
    return { stdout: '', stderr: `wrote ${opts.output}: ${summary}${next}\n`, exitCode: 0 };
  }
  return { stdout: text, stderr: `${summary}\n`, exitCode: 0 };
}
