// The building blocks every scenario is made of: stop, upgrade, edit, sync, start, pin. Each knows the
// outages it opens and closes and remembers what it already did on a host (repository switched, edits
// applied, pins set), so scenarios compose them without doing anything twice.

import { appliesToNetworking, forFamily } from '../../catalog/index.js';
import type { ConfigEditDef, PreSyncDef, ProjectName, ServiceName } from '../../catalog/types.js';
import type { Host } from '../../inventory/types.js';
import { type ConfigEdit, computeControl, type Environment, type VerifyCheck } from '../types.js';
import type { PlanBuilder, StepOptions } from './builder.js';
import { type PlanContext, packagesOf } from './context.js';

export type EditWhen = NonNullable<ConfigEditDef['scope']['when']>;

export class Kit {
  private readonly repoSwitched = new Set<string>();
  private readonly upgraded = new Set<string>();
  private readonly fullyUpgraded = new Set<string>();
  private readonly spareNames: ReadonlySet<string>;
  private readonly editsDone = new Set<string>();
  private readonly editCache = new Map<
    string,
    { edits: readonly ConfigEdit[]; install: readonly string[] }
  >();
  private readonly pinned = new Map<string, Set<string>>();
  private backupDatabase: string | undefined;

  constructor(
    readonly ctx: PlanContext,
    readonly b: PlanBuilder,
  ) {
    this.spareNames = new Set(ctx.spares.map((h) => h.name));
  }

  /** Outages a host's share of these services belongs to. */
  outagesOf(host: string, services: readonly ServiceName[]): string[] {
    const out: string[] = [];
    for (const s of services) {
      const def = this.ctx.svc(s);
      if (def.api !== undefined && !out.includes(def.api)) out.push(def.api);
      if (s === 'nova-compute') out.push(computeControl(host));
    }
    return out;
  }

  stop(
    host: string,
    services: readonly ServiceName[],
    opts: StepOptions = {},
    name = 'stop',
  ): string | undefined {
    if (services.length === 0) return undefined;
    return this.b.onHost(
      host,
      name,
      { kind: 'stop-services', services: [...services] },
      {
        opens: this.outagesOf(host, services),
        ...opts,
      },
    );
  }

  start(
    host: string,
    services: readonly ServiceName[],
    opts: StepOptions = {},
    name = 'start',
  ): string | undefined {
    if (services.length === 0) return undefined;
    // Starts on a spare host end no outage: that host never served the old cloud.
    const spare = this.spareNames.has(host);
    return this.b.onHost(
      host,
      name,
      { kind: 'start-services', services: [...services] },
      {
        closes: spare ? [] : this.outagesOf(host, services),
        ...opts,
      },
    );
  }

  restart(
    host: string,
    services: readonly ServiceName[],
    opts: StepOptions = {},
    name = 'restart',
  ): string | undefined {
    if (services.length === 0) return undefined;
    const outages = this.outagesOf(host, services);
    return this.b.onHost(
      host,
      name,
      { kind: 'restart-services', services: [...services] },
      {
        opens: outages,
        closes: outages,
        ...opts,
      },
    );
  }

  /**
   * What later steps wait for instead of a long list: one cloud-wide wait for the services to report up.
   * Keeps the DAG linear in size when thousands of computes follow thousands of others.
   */
  join(
    name: string,
    ids: readonly string[],
    services: readonly ServiceName[],
    opts: StepOptions = {},
  ): string[] {
    if (ids.length <= 4) return [...ids];
    const env = opts.env === undefined ? {} : { env: opts.env };
    const unique = [...new Set(services)];
    return [
      this.b.onCloud(`wait-${name}`, { kind: 'wait-services', services: unique }, { after: ids, ...env }),
    ];
  }

  /** Switches the host's package repository once, right before its first package change. */
  ensureRepository(host: string, opts: StepOptions = {}): void {
    if (this.repoSwitched.has(host)) return;
    this.repoSwitched.add(host);
    // A repository entry says how to switch a host *to* its release (the same data serves rollback).
    const repo = this.ctx.distro.repositories[this.ctx.to.name];
    this.b.onHost(
      host,
      'switch-repository',
      {
        kind: 'switch-repository',
        release: this.ctx.to.name,
        remove: [...(repo?.remove ?? [])],
        add: [...(repo?.add ?? [])],
      },
      opts,
    );
  }

  upgrade(
    host: string,
    services: readonly ServiceName[],
    opts: StepOptions & { full?: boolean } = {},
  ): string {
    this.ensureRepository(host, opts);
    const { full: wantFull, ...stepOpts } = opts;
    const full = wantFull === true && this.ctx.pack.fullUpgrade !== false;
    if (wantFull === true) this.fullyUpgraded.add(host);
    for (const s of services) this.upgraded.add(`${host}\0${s}`);
    return this.b.onHost(
      host,
      full === true ? 'full-upgrade' : 'upgrade',
      {
        kind: 'upgrade-packages',
        services: [...services],
        packages: full === true ? [] : packagesOf(this.ctx, services),
        release: this.ctx.to.name,
        ...(full === true ? { full: true } : {}),
        ...(this.ctx.pack.kind === 'point-release' ? { target: 'candidate' as const } : {}),
      },
      stepOpts,
    );
  }

  /** Whether the host already had its full distribution upgrade (done while it was drained). */
  isFullyUpgraded(host: string): boolean {
    return this.fullyUpgraded.has(host);
  }

  /** The host's services not upgraded yet, in the host's order. */
  notUpgraded(host: Host): ServiceName[] {
    return host.services.filter((s) => !this.upgraded.has(`${host.name}\0${s}`));
  }

  /** The catalog's edits of one project that apply on this host at this point, not yet applied. */
  takeEdits(
    host: Host,
    project: ProjectName,
    when: EditWhen,
    defs: readonly ConfigEditDef[] = this.ctx.pack.configEdits,
  ): { edits: readonly ConfigEdit[]; install: readonly string[] } {
    // Hosts of one class get the same edits: compute them once per service set and share the result.
    const key = `${defs === this.ctx.pack.configEdits ? 'pack' : defs.map((d) => d.id).join('+')}|${project}|${when}|${host.services.join(',')}`;
    let applicable = this.editCache.get(key);
    if (applicable === undefined) {
      applicable = this.applicableEdits(host.services, project, when, defs);
      this.editCache.set(key, applicable);
    }
    const fresh = applicable.edits.filter((e) => !this.editsDone.has(`${host.name}\0${e.id}`));
    for (const e of fresh) this.editsDone.add(`${host.name}\0${e.id}`);
    return fresh.length === applicable.edits.length
      ? applicable
      : { edits: fresh, install: applicable.install };
  }

  private applicableEdits(
    services: readonly ServiceName[],
    project: ProjectName,
    when: EditWhen,
    defs: readonly ConfigEditDef[],
  ): { edits: readonly ConfigEdit[]; install: readonly string[] } {
    const { ctx } = this;
    const edits: ConfigEdit[] = [];
    const install = new Set<string>();
    for (const def of defs) {
      const scope = def.scope;
      if (def.project !== project || (scope.when ?? 'upgrade') !== when) continue;
      if (!scope.services.some((s) => services.includes(s))) continue;
      if (!appliesToNetworking(scope, ctx.inventory.networking)) continue;
      if (scope.families !== undefined && !scope.families.includes(ctx.family)) continue;
      if (scope.scenarios !== undefined && !scope.scenarios.includes(ctx.scenario)) continue;
      const file = forFamily(def.file, ctx.family);
      if (file === undefined) continue;
      edits.push({ id: def.id, file, format: def.format, ops: def.ops });
      for (const p of forFamily(def.installs ?? {}, ctx.family) ?? []) install.add(p);
    }
    return { edits, install: [...install] };
  }

  edit(
    host: Host,
    project: ProjectName,
    when: EditWhen = 'upgrade',
    opts: StepOptions = {},
    /** Edits outside the pack's upgrade edits (parallel-compute's environment), under their own step name. */
    special?: { defs: readonly ConfigEditDef[]; name: string },
  ): string | undefined {
    const { edits, install } = this.takeEdits(host, project, when, special?.defs);
    if (edits.length === 0) return undefined;
    const name = special?.name ?? (when === 'upgrade' ? `edit-${project}` : `edit-${project}-${when}`);
    return this.b.onHost(
      host.name,
      name,
      { kind: 'edit-config', project, edits, ...(install.length > 0 ? { install } : {}) },
      opts,
    );
  }

  /** Edits on a host for every project it runs services of; returns the projects that got an edit. */
  editAll(
    host: Host,
    services: readonly ServiceName[],
    when: EditWhen,
    opts: StepOptions = {},
  ): ProjectName[] {
    const projects: ProjectName[] = [];
    for (const s of services) {
      const p = this.ctx.svc(s).project;
      if (!projects.includes(p)) projects.push(p);
    }
    return projects.filter((p) => this.edit(host, p, when, opts) !== undefined);
  }

  /** Pins that apply to this host (by the services it runs) and the cloud's networking. */
  pinsFor(host: Host) {
    return this.ctx.pack.pins.filter(
      (p) =>
        appliesToNetworking(p, this.ctx.inventory.networking) &&
        p.hosts.some((s) => host.services.includes(s)),
    );
  }

  pin(host: Host, opts: StepOptions = {}): void {
    const done = this.pinned.get(host.name) ?? new Set<string>();
    for (const p of this.pinsFor(host)) {
      if (done.has(p.service)) continue;
      done.add(p.service);
      this.b.onHost(
        host.name,
        `pin-${p.service}`,
        { kind: 'set-rpc-pin', service: p.service, level: p.level },
        opts,
      );
    }
    this.pinned.set(host.name, done);
  }

  isPinnedAnywhere(): boolean {
    for (const set of this.pinned.values()) if (set.size > 0) return true;
    return false;
  }

  /** Clears the host's pins; returns whether it had any (they are Nova's `[upgrade_levels]`). */
  unpin(host: Host, opts: StepOptions = {}): boolean {
    const done = this.pinned.get(host.name);
    if (done === undefined || done.size === 0) return false;
    for (const p of this.ctx.pack.pins) {
      if (!done.has(p.service)) continue;
      this.b.onHost(
        host.name,
        `unpin-${p.service}`,
        { kind: 'clear-rpc-pin', service: p.service, level: p.level },
        opts,
      );
    }
    done.clear();
    return true;
  }

  /** The pack's pre-sync fixes of a project that apply to this cloud. */
  private preSyncsOf(project: ProjectName) {
    const { ctx } = this;
    return ctx.pack.preSync.filter(
      (fix) => fix.project === project && appliesToNetworking(fix, ctx.inventory.networking),
    );
  }

  private preSyncStep(
    project: ProjectName,
    host: string,
    fix: PreSyncDef,
    after: readonly (string | undefined)[],
  ) {
    return this.b.onHost(
      host,
      `pre-sync-${project}-${fix.fix}`,
      {
        kind: 'pre-sync',
        project,
        fix: fix.fix,
        ...(fix.tables === undefined ? {} : { tables: fix.tables }),
      },
      {
        after: [...after, this.backupDatabase],
        ...(fix.irreversible === true ? { irreversible: true } : {}),
      },
    );
  }

  /**
   * Fixes that are safe while the project still serves, with the old release's tools (keystone's
   * token_flush): run before the stop so they do not lengthen the outage.
   */
  onlinePreSyncs(project: ProjectName, host: string): void {
    for (const fix of this.preSyncsOf(project))
      if (fix.online === true) this.preSyncStep(project, host, fix, []);
  }

  /**
   * The schema migration of one project on `host`, after `after` (its services stopped): a fresh dump of
   * its database — the one taken at the start may be hours old by now — then the offline pre-sync fixes,
   * then the sync itself.
   */
  sync(
    project: ProjectName,
    host: string,
    after: readonly (string | undefined)[],
    opts: { env?: Environment; database?: string; fresh?: boolean } = {},
  ): string | undefined {
    const { ctx } = this;
    const def = ctx.pack.dbSync.find((d) => d.project === project);
    if (def === undefined) return undefined;
    const env = opts.env === undefined ? {} : { env: opts.env };
    const database = opts.database ?? ctx.to.databases[project] ?? project;
    const deps = [...after, this.backupDatabase];
    if (opts.fresh !== true) {
      deps.push(
        this.b.onHost(
          ctx.dbHost,
          `backup-${project}`,
          {
            kind: 'backup-database',
            databases: [
              database,
              ...(opts.database === undefined ? (ctx.from.extraDatabases?.[project] ?? []) : []),
            ],
          },
          { after },
        ),
      );
      for (const fix of this.preSyncsOf(project)) {
        if (fix.online !== true) deps.push(this.preSyncStep(project, host, fix, deps));
      }
    }
    return this.b.onHost(
      host,
      `db-sync-${project}`,
      {
        kind: 'db-sync',
        project,
        database,
        from_head: opts.fresh === true ? 'empty' : def.fromHead,
        to_head: def.toHead,
      },
      { after: deps, ...env },
    );
  }

  /** Dumps every database of the cloud and keeps /etc of every host, before anything changes. */
  backups(): void {
    const { ctx, b } = this;
    b.startPhase('backup', 'Backups: databases and configuration');
    const databases: string[] = [];
    for (const h of ctx.hosts)
      for (const s of h.services) {
        const project = ctx.svc(s).project;
        const dbs = [ctx.from.databases[project], ...(ctx.from.extraDatabases?.[project] ?? [])];
        for (const db of dbs) if (db !== undefined && !databases.includes(db)) databases.push(db);
      }
    if (databases.length > 0) {
      this.backupDatabase = b.onHost(ctx.dbHost, 'backup-database', {
        kind: 'backup-database',
        databases,
      });
    }
    for (const h of ctx.hosts) {
      const paths: string[] = [];
      for (const s of h.services) {
        const dirs = forFamily(ctx.from.configDirs[ctx.svc(s).project] ?? {}, ctx.family) ?? [];
        for (const d of dirs) if (!paths.includes(d)) paths.push(d);
      }
      if (paths.length === 0) continue;
      b.onHost(h.name, 'backup-config', { kind: 'backup-config', paths });
    }
    b.closePhase('verify', { kind: 'verify', checks: [{ check: 'hosts-reachable' }] });
  }

  /** Pre-flight: what must hold before anything changes, then the operator's gate if asked for. */
  preflight(extra: readonly VerifyCheck[]): string {
    const { ctx, b } = this;
    b.startPhase('preflight', 'Pre-flight checks');
    const verify = b.onCloud('verify', {
      kind: 'verify',
      checks: [{ check: 'hosts-reachable' }, { check: 'services-up' }, ...extra],
    });
    b.setBarrier(verify);
    if (ctx.inventory.policy.gates.includes('before-changes')) {
      b.setBarrier(
        b.onCloud('gate', { kind: 'gate', prompt: 'Pre-flight passed. Start changing the cloud?' }),
      );
    }
    return verify;
  }

  gate(
    point: 'after-controllers' | 'after-canary',
    prompt: string,
    opts: StepOptions = {},
  ): string | undefined {
    if (!this.ctx.inventory.policy.gates.includes(point)) return undefined;
    return this.b.onCloud(`gate-${point}`, { kind: 'gate', prompt }, opts);
  }
}
