// The plan as JSON with a fixed key order, whatever order the planner built its objects in, so two
// renderings of equal plans are byte-identical (plan hashes, diffs between plan versions, golden tests).
// Known keys come in the contract's order; unknown keys (the contract allows them) follow, sorted.

import type { Plan } from '../types.js';

/** How to order one object: its known keys, and how to order each key's value. */
interface Shape {
  keys: readonly string[];
  children?: Readonly<Record<string, Shape | ((value: unknown) => Shape | undefined)>>;
}

const OP: Shape = {
  keys: ['op', 'section', 'key', 'name', 'value', 'map', 'keep', 'toSection', 'toKey'],
  children: {
    value: {
      keys: ['literal', 'copyFrom', 'lookup'],
      children: { copyFrom: { keys: ['file', 'section', 'key'] } },
    },
  },
};

const EDIT: Shape = { keys: ['id', 'file', 'format', 'ops'], children: { ops: OP } };

const CHECK: Shape = {
  keys: [
    'check',
    'service',
    'services',
    'version',
    'project',
    'head',
    'path',
    'bytes',
    'api',
    'env',
    'instances',
    'ram_mb',
  ],
};

/** Per action kind, the fields in the order of the contract's type. */
const ACTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  'backup-database': ['databases'],
  'backup-config': ['paths'],
  'switch-repository': ['release', 'remove', 'add'],
  'upgrade-packages': ['services', 'packages', 'release', 'full'],
  'stop-services': ['services'],
  'start-services': ['services'],
  'restart-services': ['services'],
  'edit-config': ['project', 'edits', 'install'],
  'pre-sync': ['project', 'fix', 'tables'],
  'db-sync': ['project', 'database', 'from_head', 'to_head'],
  'set-rpc-pin': ['service', 'level'],
  'clear-rpc-pin': ['service', 'level'],
  'disable-compute': ['reason'],
  'enable-compute': [],
  'drain-compute': ['mode', 'instances'],
  'wait-services': ['services'],
  verify: ['checks'],
  gate: ['prompt'],
  'register-endpoint': ['service', 'region'],
  'retarget-compute': ['region'],
  decommission: ['services'],
};

function actionKeyOrder(value: unknown): Shape {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
  const keys = typeof kind === 'string' ? (ACTION_KEYS[kind] ?? []) : [];
  return { keys: ['kind', ...keys], children: { edits: EDIT, checks: CHECK } };
}

const STEP: Shape = {
  keys: [
    'id',
    'phase',
    'host',
    'action',
    'after',
    'estimate_s',
    'opens',
    'closes',
    'env',
    'batch',
    'irreversible',
  ],
  children: { action: actionKeyOrder },
};

const PLAN: Shape = {
  keys: [
    'format',
    'cloud',
    'scenario',
    'from',
    'to',
    'distro',
    'networking',
    'policy',
    'phases',
    'steps',
    'warnings',
    'estimate',
  ],
  children: {
    policy: { keys: ['max_parallel_computes', 'canary', 'max_failed_hosts', 'drain', 'gates'] },
    phases: { keys: ['id', 'title'] },
    steps: STEP,
    warnings: { keys: ['id', 'text', 'steps'] },
    estimate: {
      keys: ['duration_s', 'outages', 'compute_control', 'migrations'],
      children: {
        compute_control: { keys: ['hosts', 'host_seconds', 'longest_s'] },
        migrations: { keys: ['live', 'cold', 'gb_moved'] },
      },
    },
  },
};

const NO_KEYS: Shape = { keys: [] };

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of `value` with object keys in the shape's order; arrays keep their order (it is meaning). */
function ordered(value: unknown, shape: Shape): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, shape));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const known = new Set(shape.keys);
  const keys = [
    ...shape.keys.filter((k) => Object.hasOwn(obj, k)),
    ...Object.keys(obj)
      .filter((k) => !known.has(k))
      .sort(byCodeUnit),
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const child = shape.children?.[k];
    const childShape = typeof child === 'function' ? child(obj[k]) : child;
    out[k] = ordered(obj[k], childShape ?? NO_KEYS);
  }
  return out;
}

/** `stackhop plan --format json`: the plan contract, two-space indented, keys in a fixed order. */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(ordered(plan, PLAN), null, 2)}\n`;
}
