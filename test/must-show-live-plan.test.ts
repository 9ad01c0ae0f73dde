// Must show: `stackhop plan examples/ha-ubuntu.yaml --scenario live-compute` shows, in order, backups,
// non-Nova services, Nova controllers with conductor first and the icehouse-compat pin, neutron-server
// with notifications, computes in batches (disable → drain → stop → upgrade → start → enable), the unpin
// and restart of every Nova service, and final checks. Asserted on the text the operator reads and, on
// the JSON plan, by reachability over `after` (every order the engine may pick, not the listing order).

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, serviceDef } from '../src/catalog/index.js';
import { plan as planCommand } from '../src/cli/commands/plan.js';
import { loadInventory } from '../src/inventory/load.js';
import type { Host, Inventory } from '../src/inventory/types.js';
import { planUpgrade } from '../src/plan/planners/index.js';
import type { Plan, Step } from '../src/plan/types.js';
import { CLOUD } from '../src/plan/types.js';
import { Oracle, servicesOf } from './support/plan-oracle.js';

const FILE = join(import.meta.dirname, '..', 'examples', 'ha-ubuntu.yaml');
const ICEHOUSE = CATALOG.releases.icehouse!;

const isNova = (s: string): boolean => serviceDef(ICEHOUSE, s).project === 'nova';
const isNovaController = (s: string): boolean => isNova(s) && serviceDef(ICEHOUSE, s).computeSide !== true;

let inventory: Inventory;
let plan: Plan;
let oracle: Oracle;
let text: string;

beforeAll(async () => {
  inventory = await loadInventory(FILE, CATALOG);
  plan = planUpgrade(inventory, CATALOG, 'live-compute');
  oracle = new Oracle(plan);
  const out = await planCommand(FILE, { scenario: 'live-compute', format: 'text', color: false });
  expect(out.exitCode, out.stderr).toBe(0);
  text = out.stdout;
});

// ---------------------------------------------------------------------------------------------------
// The text view
// ---------------------------------------------------------------------------------------------------

const HEADING = /^== (\d+)\. (.*?) {2}\(/;

/** The phase headings of the text view, in order, with the lines under each. */
function sections(view: string): Array<{ title: string; lines: string[] }> {
  const out: Array<{ title: string; lines: string[] }> = [];
  for (const line of view.split('\n')) {
    const m = HEADING.exec(line);
    if (m !== null) out.push({ title: m[2]!, lines: [] });
    else if (line.startsWith('warnings (')) break;
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

function section(title: string): string[] {
  const s = sections(text).find((x) => x.title.startsWith(title));
  if (s === undefined) throw new Error(`no phase "${title}" in the text view`);
  return s.lines;
}

/** Index of the first line matching, at or after `from`; fails the test when absent. */
function lineIndex(lines: readonly string[], pattern: RegExp, from = 0): number {
  const i = lines.findIndex((l, k) => k >= from && pattern.test(l));
  if (i < 0)
    throw new Error(
      `no line matching ${pattern} after line ${from}:\n${lines.slice(from, from + 30).join('\n')}`,
    );
  return i;
}

/** The patterns appear in this order (each after the previous one). */
function expectInOrder(lines: readonly string[], patterns: readonly RegExp[]): void {
  let at = -1;
  for (const p of patterns) {
    const i = lineIndex(lines, p, at + 1);
    expect(i).toBeGreaterThan(at);
    at = i;
  }
}

describe('text view of the live-compute plan for examples/ha-ubuntu.yaml', () => {
  it('lists the phases in the order of the issue', () => {
    const titles = sections(text).map((s) => s.title);
    const at = (prefix: string): number => {
      const i = titles.findIndex((t) => t.startsWith(prefix));
      expect(i, `phase "${prefix}" missing from ${titles.join(' | ')}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const backups = at('Backups');
    const nonNova = [
      'Identity (keystone)',
      'Image (glance)',
      'Block storage (cinder)',
      'Orchestration (heat)',
    ];
    const novaControllers = at('Nova controller services');
    const neutron = at('Networking (neutron)');
    const computes = at('Compute nodes in batches');
    const final = at('Final');
    for (const t of nonNova) {
      expect(at(t)).toBeGreaterThan(backups);
      expect(at(t)).toBeLessThan(novaControllers);
    }
    expect(novaControllers).toBeLessThan(neutron);
    expect(neutron).toBeLessThan(computes);
    expect(computes).toBeLessThan(final);
    expect(final).toBe(titles.length - 1);
  });

  it('names conductor-first and the icehouse-compat pin in the Nova controllers phase', () => {
    const title = sections(text).find((s) => s.title.startsWith('Nova controller services'))!.title;
    expect(title).toContain('conductor first');
    expect(title).toContain('compute=icehouse-compat');
    expectInOrder(section('Nova controller services'), [
      /^\s+stop-services nova-api, .*nova-conductor/,
      /^\s+upgrade-packages nova-api, .*→ icehouse/,
      /^\s+set-rpc-pin \[upgrade_levels\] compute=icehouse-compat\s+ctl\[1:3\] ×3/,
      /^\s+db-sync nova /,
      /^\s+start-services nova-conductor\s+ctl\[1:3\] ×3/,
      /^\s+start-services nova-api, nova-scheduler/,
      /^\s+verify services-up/,
    ]);
  });

  it('upgrades neutron-server with the Nova notification edit', () => {
    const lines = section('Networking (neutron)');
    expect(sections(text).find((s) => s.title.startsWith('Networking (neutron)'))!.title).toContain(
      'Nova notifications',
    );
    expectInOrder(lines, [
      /^\s+stop-services neutron-server\s+ctl\[1:3\]/,
      /^\s+upgrade-packages neutron-server /,
      /^\s+edit-config neutron: neutron\.conf neutron-nova-notifications.*ctl\[1:3\]/,
      /^\s+db-sync neutron /,
      /^\s+start-services neutron-server\s+ctl\[1:3\]/,
    ]);
  });

  it('shows every compute batch as disable → drain → stop → upgrade → start → enable', () => {
    const lines = section('Compute nodes in batches');
    const heads = lines.flatMap((l, i) => (/^ {2}batch \d+ /.test(l) ? [i] : []));
    expect(heads.length).toBeGreaterThanOrEqual(2);
    heads.forEach((h, k) => {
      const body = lines.slice(h + 1, heads[k + 1] ?? lines.length);
      expectInOrder(body, [
        /^\s+disable-compute /,
        /^\s+drain-compute live-migrate /,
        /^\s+stop-services .*nova-compute/,
        /^\s+upgrade-packages .*nova-compute.*→ icehouse/,
        /^\s+start-services .*nova-compute/,
        /^\s+enable-compute /,
      ]);
    });
    expect(lines[heads[0]!]).toMatch(/^ {2}batch 1 /);
  });

  // BUG (reported, not fixed here): the batch heading counts the `@cloud` pseudo-host of the batch's
  // verify steps as a host: batch 1 of this plan upgrades cmp001 alone but is headed "batch 1 (2 hosts, …)",
  // batch 2 upgrades cmp[002:006] (5 computes) but is headed "batch 2 (6 hosts, …)". src/plan/render/groups.ts collects `unit.hosts` from every group of the batch,
  // @cloud included; src/plan/render/text.ts batchHeading prints `unit.hosts.length`.
  it('heads each batch with the number of computes it takes out', () => {
    const batches = new Map<number, Set<string>>();
    for (const s of plan.steps) {
      if (s.phase !== 'computes' || s.action.kind !== 'disable-compute' || s.batch === undefined) continue;
      const set = batches.get(s.batch) ?? new Set<string>();
      set.add(s.host);
      batches.set(s.batch, set);
    }
    const headings = section('Compute nodes in batches').filter((l) => /^ {2}batch \d+ /.test(l));
    for (const h of headings) {
      const m = /^ {2}batch (\d+) \((\d+) hosts?, /.exec(h);
      expect(m, h).not.toBeNull();
      expect(Number(m![2]), h).toBe(batches.get(Number(m![1]))?.size);
    }
  });

  it('ends with the unpin, the restart of every Nova service, and the final checks', () => {
    const lines = section('Final');
    expectInOrder(lines, [
      /^\s+clear-rpc-pin \[upgrade_levels\] compute \(was icehouse-compat\)\s+ctl\[1:3\], cmp\[001:048\] ×51/,
      /^\s+restart-services .*nova-api, nova-scheduler, nova-conductor.*ctl\[1:3\] ×3/,
      /^\s+restart-services nova-compute.*cmp\[001:048\] ×48/,
      /^\s+verify services-up, schema-head /,
    ]);
    expect(lines.filter((l) => /\S/.test(l)).at(-1)).toMatch(/^\s+verify .*@cloud/);
  });
});

// ---------------------------------------------------------------------------------------------------
// The JSON plan
// ---------------------------------------------------------------------------------------------------

function hostsWith(pred: (h: Host) => boolean): Host[] {
  return inventory.hosts.filter(pred);
}

function only(steps: readonly Step[], what: string): Step {
  expect(steps.length, `${what}: ${steps.map((s) => s.id).join(', ')}`).toBe(1);
  return steps[0]!;
}

function startsOf(host: string, service: string, phase: string): Step[] {
  return oracle.onHost(host, 'start-services', phase).filter((s) => servicesOf(s.action).includes(service));
}

describe('JSON live-compute plan for examples/ha-ubuntu.yaml', () => {
  it('declares the phases in the order of the issue, each after the one before it', () => {
    const ids = plan.phases.map((p) => p.id);
    const order = [
      'backup',
      'keystone',
      'glance',
      'cinder',
      'heat',
      'nova-controllers',
      'neutron',
      'computes',
      'final',
    ];
    const positions = order.map((id) => ids.indexOf(id));
    expect(
      positions.every((p) => p >= 0),
      ids.join(', '),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(ids.at(-1)).toBe('final');
    // Barriers on the partial order: every step of a later phase waits for every step of the earlier one.
    const byPhase = (id: string) => plan.steps.filter((s) => s.phase === id).map((s) => s.id);
    for (let k = 0; k + 1 < order.length; k++) {
      const earlier = byPhase(order[k]!);
      const later = byPhase(order[k + 1]!);
      expect(earlier.length).toBeGreaterThan(0);
      for (const b of later) {
        const anc = oracle.ancestors(b);
        const missing = earlier.filter((a) => !anc.has(a));
        expect(missing, `${b} may run before ${missing.slice(0, 3).join(', ')}`).toEqual([]);
      }
    }
  });

  it('keeps Nova out of the non-Nova phases and backs up every host before any change', () => {
    for (const s of plan.steps) {
      if (!['keystone', 'glance', 'cinder', 'heat', 'horizon'].includes(s.phase)) continue;
      expect(servicesOf(s.action).filter(isNova), s.id).toEqual([]);
    }
    const backups = plan.steps.filter((s) => s.action.kind === 'backup-database');
    expect(backups.length).toBeGreaterThan(0);
    for (const h of inventory.hosts) {
      const bc = only(oracle.onHost(h.name, 'backup-config'), `backup-config on ${h.name}`);
      for (const s of oracle.onHost(h.name)) {
        if (['verify', 'backup-config', 'backup-database', 'gate'].includes(s.action.kind)) continue;
        expect(oracle.before(bc.id, s.id), `${s.id} before ${bc.id}`).toBe(true);
      }
    }
    // The full dump of the backup phase precedes every database change; each project's fresh dump (taken
    // once its services are stopped, so a rollback loses nothing since) precedes that project's changes.
    const full = only(
      backups.filter((b) => b.phase === 'backup'),
      'the backup phase dumps every database',
    );
    for (const d of plan.steps.filter((s) => s.action.kind === 'db-sync' || s.action.kind === 'pre-sync')) {
      expect(oracle.before(full.id, d.id), `${d.id} before ${full.id}`).toBe(true);
      const a = d.action;
      const project = a.kind === 'db-sync' || a.kind === 'pre-sync' ? a.project : '';
      const fresh = backups.filter(
        (b) =>
          b.phase !== 'backup' && b.action.kind === 'backup-database' && b.action.databases.includes(project),
      );
      // token_flush runs online, before the stop (and so before the fresh dump): only the full dump covers it.
      if (a.kind === 'pre-sync' && a.fix === 'token-flush') continue;
      expect(fresh.length, `a fresh dump of ${project} before ${d.id}`).toBe(1);
      expect(oracle.before(fresh[0]!.id, d.id), `${d.id} after ${fresh[0]!.id}`).toBe(true);
    }
  });

  it('sets compute=icehouse-compat on every Nova controller before it starts, conductor first', () => {
    const controllers = hostsWith((h) => h.services.some(isNovaController));
    expect(controllers.map((h) => h.name)).toEqual(['ctl1', 'ctl2', 'ctl3']);
    const conductorStarts = controllers.map((h) =>
      only(startsOf(h.name, 'nova-conductor', 'nova-controllers'), `conductor start on ${h.name}`),
    );
    for (const h of controllers) {
      const pin = only(oracle.onHost(h.name, 'set-rpc-pin', 'nova-controllers'), `set-rpc-pin on ${h.name}`);
      expect(pin.action).toEqual({ kind: 'set-rpc-pin', service: 'compute', level: 'icehouse-compat' });
      const upgrade = only(
        oracle
          .onHost(h.name, 'upgrade-packages', 'nova-controllers')
          .filter((s) => servicesOf(s.action).includes('nova-conductor')),
        `nova upgrade on ${h.name}`,
      );
      expect(oracle.before(upgrade.id, pin.id)).toBe(true);
      const starts = oracle
        .onHost(h.name, 'start-services', 'nova-controllers')
        .filter((s) => servicesOf(s.action).some(isNova));
      expect(starts.length).toBeGreaterThan(0);
      for (const s of starts) expect(oracle.before(pin.id, s.id), `${s.id} before ${pin.id}`).toBe(true);
      // Conductor first: every other Nova controller service starts after every conductor.
      for (const s of starts.filter((x) => !servicesOf(x.action).includes('nova-conductor')))
        for (const c of conductorStarts)
          expect(oracle.before(c.id, s.id), `${s.id} before ${c.id}`).toBe(true);
    }
  });

  it('upgrades neutron-server with Nova notifications after the Nova controllers and before the computes', () => {
    const servers = hostsWith((h) => h.services.includes('neutron-server'));
    expect(servers.length).toBe(3);
    const novaStarts = plan.steps.filter(
      (s) => s.phase === 'nova-controllers' && s.action.kind === 'start-services',
    );
    const computeStarts = plan.steps.filter(
      (s) =>
        s.phase === 'computes' &&
        servicesOf(s.action).includes('nova-compute') &&
        s.action.kind === 'start-services',
    );
    expect(computeStarts.length).toBe(48);
    for (const h of servers) {
      const edits = oracle.onHost(h.name, 'edit-config', 'neutron');
      const notify = edits.filter(
        (s) =>
          s.action.kind === 'edit-config' &&
          s.action.edits.some((e) => e.id === 'neutron-nova-notifications'),
      );
      const edit = only(notify, `neutron-nova-notifications edit on ${h.name}`);
      const start = only(startsOf(h.name, 'neutron-server', 'neutron'), `neutron-server start on ${h.name}`);
      expect(oracle.before(edit.id, start.id)).toBe(true);
      for (const n of novaStarts)
        expect(oracle.before(n.id, start.id), `${start.id} before ${n.id}`).toBe(true);
      for (const c of computeStarts)
        expect(oracle.before(start.id, c.id), `${c.id} before ${start.id}`).toBe(true);
    }
  });

  it('takes each compute through disable ⇝ drain ⇝ stop ⇝ upgrade ⇝ start ⇝ enable, in bounded batches', () => {
    const computes = hostsWith((h) => h.roles.includes('compute'));
    expect(computes.length).toBe(48);
    const batchOf = new Map<string, number>();
    for (const h of computes) {
      const on = (kind: Step['action']['kind'], service?: string) =>
        only(
          oracle
            .onHost(h.name, kind, 'computes')
            .filter((s) => service === undefined || servicesOf(s.action).includes(service)),
          `${kind} on ${h.name}`,
        );
      const chain = [
        on('disable-compute'),
        on('drain-compute'),
        on('stop-services', 'nova-compute'),
        on('upgrade-packages', 'nova-compute'),
        on('start-services', 'nova-compute'),
        on('enable-compute'),
      ];
      for (let i = 0; i + 1 < chain.length; i++)
        expect(oracle.before(chain[i]!.id, chain[i + 1]!.id), `${chain[i]!.id} ⇝ ${chain[i + 1]!.id}`).toBe(
          true,
        );
      const drain = chain[1]!.action;
      expect(drain.kind === 'drain-compute' && drain.mode).toBe('live-migrate');
      const upgrade = chain[3]!.action;
      expect(upgrade.kind === 'upgrade-packages' && upgrade.release).toBe('icehouse');
      expect(new Set(chain.map((s) => s.batch)).size).toBe(1);
      batchOf.set(h.name, chain[0]!.batch!);
    }
    const sizes = new Map<number, string[]>();
    for (const [host, b] of batchOf) sizes.set(b, [...(sizes.get(b) ?? []), host]);
    const numbers = [...sizes.keys()].sort((a, b) => a - b);
    expect(numbers[0]).toBe(1);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    // canary [1, 5, "20%"], at most 10 at once.
    expect(sizes.get(1)!.length).toBe(1);
    expect(sizes.get(2)!.length).toBe(5);
    for (const hosts of sizes.values())
      expect(hosts.length).toBeLessThanOrEqual(plan.policy.max_parallel_computes);
    // Batches follow each other: a batch's first disable waits for every enable of the batch before.
    for (const b of numbers.slice(1)) {
      const prevEnables = sizes.get(b - 1)!.map((h) => `computes/${h}/enable`);
      for (const h of sizes.get(b)!) {
        const disable = only(oracle.onHost(h, 'disable-compute', 'computes'), `disable on ${h}`);
        for (const e of prevEnables)
          expect(oracle.before(e, disable.id), `${disable.id} before ${e}`).toBe(true);
      }
    }
  });

  it('clears the pin on every pinned host after the last compute, then restarts its Nova services', () => {
    const pinned = [...new Set(plan.steps.filter((s) => s.action.kind === 'set-rpc-pin').map((s) => s.host))];
    expect(pinned.length).toBe(3 + 48);
    const computeStarts = plan.steps.filter(
      (s) =>
        s.phase === 'computes' &&
        s.action.kind === 'start-services' &&
        servicesOf(s.action).includes('nova-compute'),
    );
    for (const host of pinned) {
      const clear = only(oracle.onHost(host, 'clear-rpc-pin'), `clear-rpc-pin on ${host}`);
      expect(clear.phase).toBe('final');
      expect(clear.action).toEqual({ kind: 'clear-rpc-pin', service: 'compute', level: 'icehouse-compat' });
      for (const c of computeStarts)
        expect(oracle.before(c.id, clear.id), `${clear.id} before ${c.id}`).toBe(true);
      const novaHere = inventory.hosts.find((h) => h.name === host)!.services.filter(isNova);
      const restarts = oracle
        .onHost(host, 'restart-services', 'final')
        .filter((s) => oracle.before(clear.id, s.id));
      const restarted = new Set(restarts.flatMap((s) => servicesOf(s.action)));
      expect(
        novaHere.filter((s) => !restarted.has(s)),
        `Nova services on ${host} not restarted after the unpin`,
      ).toEqual([]);
    }
  });

  it('ends with a verify on @cloud after every other step', () => {
    const sinks = plan.steps.filter((s) => !plan.steps.some((t) => t.after.includes(s.id)));
    const last = only(sinks, 'sinks of the plan');
    expect(last.phase).toBe('final');
    expect(last.host).toBe(CLOUD);
    expect(last.action.kind).toBe('verify');
    expect(oracle.ancestors(last.id).size).toBe(plan.steps.length - 1);
  });
});
