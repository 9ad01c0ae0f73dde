// Before a run (or its resume) acts, the redactor learns the credentials the hosts' own config files
// hold (rabbit_password, admin_password, connection URLs…). A command may print them (a failing
// service, a sync that echoes its URL), and a resumed run would otherwise meet them before any step
// has read the file.

import { forFamily, projectOfService } from '../catalog/index.js';
import type { ConfigEditDef, ConfigValue } from '../catalog/types.js';
import { IniDocument } from '../drivers/config/index.js';
import { fanOut } from '../drivers/real/actions/verify.js';
import type { RealContext } from '../drivers/real/real-context.js';
import { secretsOfIni } from '../security/config-secrets.js';

/** The INI files config edits touch or copy from, per project. */
function iniFilesByProject(rc: RealContext): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (project: string, file: string | undefined) => {
    if (file === undefined) return;
    const set = out.get(project) ?? new Set<string>();
    set.add(file);
    out.set(project, set);
  };
  const defs: readonly ConfigEditDef[] = [
    ...rc.pack.configEdits,
    ...rc.pack.parallelEnvironment,
    ...rc.pack.parallelNeutron,
  ];
  for (const d of defs) {
    if (d.format !== 'ini') continue;
    add(d.project, forFamily(d.file, rc.family));
    for (const op of d.ops) {
      if (op.op !== 'set') continue;
      const v: ConfigValue = op.value;
      if ('copyFrom' in v) add(d.project, v.copyFrom.file);
    }
  }
  return out;
}

export async function primeSecrets(rc: RealContext): Promise<number> {
  const byProject = iniFilesByProject(rc);
  let found = 0;
  await fanOut([...rc.hosts.values()], rc.fanOut, async (h) => {
    const files = new Set<string>();
    for (const s of h.services) {
      let project: string;
      try {
        project = projectOfService(rc.from, s);
      } catch {
        continue;
      }
      for (const f of byProject.get(project) ?? []) files.add(f);
    }
    for (const f of files) {
      try {
        const text = await rc.exec.readFile(h.name, f);
        if (text === undefined) continue;
        for (const secret of secretsOfIni(IniDocument.parse(text))) {
          rc.redactor.add(secret);
          found++;
        }
      } catch {
        // Unreadable or not INI as oslo reads it: the step that edits it will say so.
      }
    }
  });
  return found;
}
