// The smoke test of a whole compute path: boot the smallest flavor from an active image, wait until it
// is ACTIVE (or fails), delete it. What an operator does by hand after an upgrade.

import type { Clock } from '../../engine/clock.js';
import { OpenStackHttpError } from './errors.js';
import type { NovaClient } from './nova.js';

export async function smokeBoot(
  nova: NovaClient,
  clock: Clock,
  o: {
    signal: AbortSignal;
    pollMs: number;
    timeoutMs?: number;
    /** A network UUID, `none` (no network, Nova ≥ 2.37), or undefined for Nova's own choice. */
    network?: string;
  },
): Promise<{ host: string; seconds: number }> {
  const flavors = (await nova.listFlavors({ signal: o.signal })).sort((a, b) => a.ramMb - b.ramMb);
  const images = (await nova.listImages({ signal: o.signal })).filter((i) => i.status === 'ACTIVE');
  const flavor = flavors[0];
  const image = images.find((i) => flavor !== undefined && i.minRamMb <= flavor.ramMb) ?? images[0];
  if (flavor === undefined) throw new Error('smoke boot: Nova lists no flavor');
  if (image === undefined) throw new Error('smoke boot: no ACTIVE image to boot');
  const started = clock.now();
  const id = await nova.createServer(
    {
      name: `stackhop-smoke-${started.toString(36)}`,
      imageRef: image.id,
      flavorRef: flavor.id,
      ...(o.network === undefined ? {} : { networks: o.network === 'none' ? 'none' : [{ uuid: o.network }] }),
    },
    { signal: o.signal },
  );
  const limit = o.timeoutMs ?? 10 * 60_000;
  let booted: { host: string; seconds: number };
  try {
    for (;;) {
      const s = await nova.getServer(id, { signal: o.signal });
      if (s.status === 'ACTIVE') {
        booted = { host: s.host ?? '?', seconds: (clock.now() - started) / 1000 };
        break;
      }
      if (s.status === 'ERROR')
        throw new Error(`smoke boot: server ${id} went to ERROR${s.fault ? `: ${s.fault}` : ''}`);
      if (clock.now() - started > limit)
        throw new Error(`smoke boot: server ${id} not ACTIVE after ${limit / 1000} s (${s.status})`);
      await clock.sleep(o.pollMs, o.signal);
    }
  } catch (err) {
    // The failure is what the step reports; the delete is a courtesy.
    await nova.deleteServer(id).catch(() => undefined);
    throw err;
  }
  await deleteAndWait(nova, clock, id, { ...o, limit });
  return booted;
}

/**
 * Deletes the smoke server and waits until Nova no longer lists it: deleting is asynchronous, and a
 * test server left behind (or stuck in ERROR while deleting) is something the operator must hear of.
 */
async function deleteAndWait(
  nova: NovaClient,
  clock: Clock,
  id: string,
  o: { signal: AbortSignal; pollMs: number; limit: number },
): Promise<void> {
  const asked = clock.now();
  await nova.deleteServer(id, { signal: o.signal });
  for (;;) {
    let s: Awaited<ReturnType<NovaClient['getServer']>>;
    try {
      s = await nova.getServer(id, { signal: o.signal });
    } catch (err) {
      if (err instanceof OpenStackHttpError && err.status === 404) return;
      throw err;
    }
    if (s.status === 'DELETED') return;
    if (s.status === 'ERROR' && (s.taskState === null || s.taskState === undefined))
      throw new Error(
        `smoke boot: server ${id} went to ERROR while being deleted${s.fault ? `: ${s.fault}` : ''}`,
      );
    if (clock.now() - asked > o.limit)
      throw new Error(
        `smoke boot: server ${id} still listed ${o.limit / 1000} s after its delete (${s.status})`,
      );
    await clock.sleep(o.pollMs, o.signal);
  }
}
