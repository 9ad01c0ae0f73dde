// Watching a live migration by polling its server. Havana/Icehouse Nova sets task_state `migrating`
// before it answers 202, so from then on: task_state back to null on another host = done; status ERROR
// = failed; task_state null on the source host = rolled back (the compute's pre-checks or the
// hypervisor refused; `_rollback_live_migration` puts the server back as it was). Live migrations
// leave no os-migrations record in this era, so the server is the only witness.

import type { Clock } from '../../engine/clock.js';
import { MigrationError } from './errors.js';
import type { Server } from './nova-schemas.js';

export type MigrationProgress =
  | { kind: 'running' }
  | { kind: 'done'; host: string }
  | { kind: 'error'; status: string; fault: string | undefined }
  | { kind: 'rolled-back'; fault: string | undefined };

export function migrationProgress(server: Server, sourceHost: string): MigrationProgress {
  if (server.status === 'ERROR') return { kind: 'error', status: server.status, fault: server.fault };
  if (server.taskState !== null || server.status === 'MIGRATING') return { kind: 'running' };
  if (server.host !== null && server.host !== sourceHost) return { kind: 'done', host: server.host };
  return { kind: 'rolled-back', fault: server.fault };
}

export interface WaitOptions {
  /** Where the server was when the migration was asked for. */
  sourceHost: string;
  /** Default 2 s. */
  pollIntervalMs?: number;
  /** Default 30 min: a large, busy instance over a slow link takes long, but not forever. */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

/** Polls until the migration ends; resolves with the server on its new host, or throws MigrationError. */
export async function waitForMigration(
  serverId: string,
  getServer: (signal: AbortSignal | undefined) => Promise<Server>,
  clock: Clock,
  opts: WaitOptions,
): Promise<Server> {
  const interval = opts.pollIntervalMs ?? 2000;
  const limit = opts.timeoutMs ?? 30 * 60_000;
  const started = clock.now();
  for (;;) {
    const server = await getServer(opts.signal);
    const p = migrationProgress(server, opts.sourceHost);
    switch (p.kind) {
      case 'done':
        return server;
      case 'error':
        throw new MigrationError(serverId, opts.sourceHost, 'error', {
          status: p.status,
          ...(p.fault === undefined ? {} : { fault: p.fault }),
        });
      case 'rolled-back':
        throw new MigrationError(
          serverId,
          opts.sourceHost,
          'rolled-back',
          p.fault === undefined ? {} : { fault: p.fault },
        );
      case 'running':
        break;
    }
    const waited = clock.now() - started;
    if (waited >= limit) throw new MigrationError(serverId, opts.sourceHost, 'timeout', { waitedMs: waited });
    await clock.sleep(Math.min(interval, limit - waited), opts.signal);
  }
}
