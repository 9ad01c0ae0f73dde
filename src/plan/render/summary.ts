// One short line per action, for the text view and the graph labels. The summary names what a reviewer
// checks (services, packages, schema heads, pin values, edit ids); the full detail stays in the JSON.

import { canonicalJson } from '../canonical-json.js';
import type { Action, ConfigEdit, VerifyCheck } from '../types.js';

/** At most `max` items, then `+N more`, so one odd action cannot blow up a line. */
export function list(items: readonly string[], max = 8): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} +${items.length - max} more`;
}

function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

function editsSummary(edits: readonly ConfigEdit[]): string {
  // Grouped per file, in first-appearance order: `nova.conf a, b; api-paste.ini c`.
  const byFile = new Map<string, string[]>();
  for (const e of edits) {
    const name = basename(e.file);
    const ids = byFile.get(name);
    if (ids === undefined) byFile.set(name, [e.id]);
    else ids.push(e.id);
  }
  return [...byFile].map(([file, ids]) => `${file} ${list(ids, 4)}`).join('; ');
}

function envTag(env: string | undefined): string {
  return env === undefined ? '' : ` [${env}]`;
}

function bytes(n: number): string {
  const gb = n / 1024 ** 3;
  return gb >= 1 ? `${Number(gb.toFixed(1))} GB` : `${Math.round(n / 1024 ** 2)} MB`;
}

export function checkSummary(c: VerifyCheck): string {
  switch (c.check) {
    case 'hosts-reachable':
    case 'no-error-instances':
    case 'host-empty':
      return c.check;
    case 'services-down':
      return c.services === undefined ? 'services-down' : `services-down ${list(c.services)}`;
    case 'services-up':
      return `services-up${c.services === undefined ? '' : ` (${list(c.services, 4)})`}${envTag(c.env)}`;
    case 'min-version':
      return `min-version ${c.service} ≥ ${c.version}`;
    case 'free-disk':
      return `free-disk ${c.path} ≥ ${bytes(c.bytes)}`;
    case 'schema-head':
      return `schema-head ${c.project} = ${c.head}`;
    case 'capacity':
      return `capacity [${c.env}] ≥ ${c.instances} instances, ${bytes(c.ram_mb * 1024 ** 2)} RAM`;
    case 'api':
      return `api ${c.api}${envTag(c.env)}`;
    case 'smoke-boot':
      return `smoke-boot${envTag(c.env)}`;
  }
}

/**
 * The readable summary of an action. `instances` is passed separately for `drain-compute` because one
 * line of the text view drains several hosts and shows their total.
 */
export function actionSummary(a: Action, instances?: number): string {
  switch (a.kind) {
    case 'backup-database':
      return `backup-database ${list(a.databases)}`;
    case 'backup-config':
      return `backup-config ${list(a.paths, 6)}`;
    case 'switch-repository': {
      const changes = [...a.remove.map((r) => `−${r}`), ...a.add.map((r) => `+${r}`)];
      return `switch-repository → ${a.release}${changes.length > 0 ? ` (${list(changes, 4)})` : ''}`;
    }
    case 'upgrade-packages': {
      const what =
        a.full === true
          ? `full upgrade${a.services.length > 0 ? ` (${list(a.services, 6)})` : ''}`
          : list(a.services, 6);
      const packages = a.packages.length > 0 ? ` (${list(a.packages, 6)})` : '';
      return `upgrade-packages ${what}${packages} → ${a.release}`;
    }
    case 'stop-services':
    case 'start-services':
    case 'restart-services':
    case 'wait-services':
    case 'decommission':
      return `${a.kind} ${list(a.services)}`;
    case 'edit-config': {
      const install =
        a.install !== undefined && a.install.length > 0 ? ` (install ${list(a.install, 4)})` : '';
      return `edit-config ${a.project}: ${editsSummary(a.edits)}${install}`;
    }
    case 'pre-sync': {
      const tables = a.tables !== undefined && a.tables.length > 0 ? ` (${a.tables.length} tables)` : '';
      return `pre-sync ${a.project} ${a.fix}${tables}`;
    }
    case 'db-sync':
      return `db-sync ${a.project} ${a.from_head} → ${a.to_head}`;
    case 'set-rpc-pin':
      return `set-rpc-pin [upgrade_levels] ${a.service}=${a.level}`;
    case 'clear-rpc-pin':
      return `clear-rpc-pin [upgrade_levels] ${a.service} (was ${a.level})`;
    case 'disable-compute':
      return a.reason === '' ? 'disable-compute' : `disable-compute ${JSON.stringify(a.reason)}`;
    case 'enable-compute':
      return 'enable-compute';
    case 'restore-config':
      return `restore-config from run ${a.run}`;
    case 'restore-database':
      return `restore-database ${list(a.databases.map((d) => d.database))} from run ${a.run}`;
    case 'downgrade-packages':
      return `downgrade-packages ${list(a.services, 6)} → ${a.release} (versions before run ${a.run})`;
    case 'drain-compute': {
      const n = instances ?? a.instances;
      const into = a.to_region === undefined ? '' : ` into ${a.to_region}`;
      return `drain-compute ${a.mode}${into} (${n} instance${n === 1 ? '' : 's'})`;
    }
    case 'verify':
      return `verify ${list(a.checks.map(checkSummary), 6)}`;
    case 'gate':
      return `gate ${JSON.stringify(a.prompt)}`;
    case 'register-endpoint':
      return `register-endpoint ${a.service} in region ${a.region}`;
    case 'retarget-compute':
      return `retarget-compute → region ${a.region}`;
  }
}

export { canonicalJson };

/**
 * The action's shape: what makes two steps "the same thing on different hosts". Per-host counts
 * (instances to drain) are left out, or every compute would get its own line.
 */
export function actionShape(a: Action): string {
  if (a.kind === 'drain-compute') {
    const { instances: _instances, ...rest } = a;
    return canonicalJson(rest);
  }
  return canonicalJson(a);
}
