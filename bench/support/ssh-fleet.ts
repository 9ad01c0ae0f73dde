// The loopback SSH fleet (test/fleet) for benchmarks: a temp dir the fleet's users can reach, the shims
// where the compiled fleet looks for them, and a clean-up that runs on success, error and Ctrl-C.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Fleet, fleetAvailable, startFleet } from '../../test/fleet/fleet.js';

/**
 * fleet.ts copies its shims from `shims/` beside itself. Compiled into .bench-build/test/fleet/, that
 * folder does not exist: link it to the sources (test/fleet/shims) once.
 */
function linkShims(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  // .bench-build/bench/support → .bench-build; the sources are one level above it.
  const build = join(here, '..', '..');
  const compiled = join(build, 'test', 'fleet', 'shims');
  const source = join(build, '..', 'test', 'fleet', 'shims');
  if (existsSync(compiled) || !existsSync(source)) return;
  mkdirSync(dirname(compiled), { recursive: true });
  symlinkSync(source, compiled, 'dir');
}

/** Runs `work` on a fresh fleet and always stops it and removes its dir (also on SIGINT/SIGTERM). */
export async function withBenchFleet<T>(
  opts: { hosts: readonly string[]; firstAddress: string; port?: number },
  work: (fleet: Fleet) => Promise<T>,
): Promise<T> {
  if (!fleetAvailable())
    throw new Error('the SSH fleet needs root, sshd and sudo (node scripts/fleet-deps.mjs)');
  linkShims();
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'stackhop-bench-ssh-'));
  chmodSync(dir, 0o755);
  let fleet: Fleet | undefined;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await fleet?.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    })());
  // Backstop for an exit on the way (the fleet kills its own hosts on exit): the dir goes too.
  const onExit = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', onExit);
  // On Ctrl-C the fleet stops under the running round, which then fails: exit quietly once clean.
  let interrupted: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal === 'SIGINT' ? 130 : 143;
    console.log(`${signal}: stopping the fleet`);
    void cleanUp().finally(() => process.exit(interrupted));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    fleet = await startFleet({
      dir,
      hosts: opts.hosts,
      firstAddress: opts.firstAddress,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
    });
    return await work(fleet);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
    process.removeListener('exit', onExit);
    if (interrupted !== undefined) process.exit(interrupted);
  }
}
