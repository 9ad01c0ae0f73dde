import { describe, expect, it } from 'vitest';
import { CATALOG, releaseOf } from '../../catalog/index.js';
import { accepts, parseRpcVersion, sendVersion, servedVersions } from './rpc.js';

const havana = releaseOf(CATALOG, 'havana').rpc!;
const icehouse = releaseOf(CATALOG, 'icehouse').rpc!;
const client = (release: string, point?: string) => ({ release, point });

describe('RPC dispatch rule (same major, minor ≥ the message)', () => {
  it('parses versions and rejects what is not one', () => {
    expect(parseRpcVersion('2.47')).toEqual({ major: 2, minor: 47 });
    expect(parseRpcVersion('3.23.1')).toEqual({ major: 3, minor: 23 });
    expect(parseRpcVersion('icehouse-compat')).toBeUndefined();
  });

  it('accepts within the major only', () => {
    expect(accepts(['2.47'], '2.47')).toBe(true);
    expect(accepts(['2.47'], '2.10')).toBe(true);
    expect(accepts(['2.47'], '2.48')).toBe(false);
    expect(accepts(['2.47'], '3.0')).toBe(false);
    expect(accepts(['1.64', '2.0'], '2.0')).toBe(true);
  });
});

describe('catalog RPC data (facts §3)', () => {
  it('Havana computes take compute RPC 3.0 only from 2013.2.2 on', () => {
    expect(accepts(servedVersions(havana.topics.compute!, '2013.2.1'), '3.0')).toBe(false);
    expect(accepts(servedVersions(havana.topics.compute!, '2013.2.2'), '3.0')).toBe(true);
    // An unknown point release is taken as the newest of Havana.
    expect(accepts(servedVersions(havana.topics.compute!, undefined), '3.0')).toBe(true);
    expect(accepts(servedVersions(havana.topics.compute!, '2013.2.3'), '3.23')).toBe(false);
  });

  it('Icehouse controllers send 3.23 unpinned and 3.0 under icehouse-compat', () => {
    expect(sendVersion('compute', icehouse.topics.compute!, client('icehouse', '2014.1'), undefined)).toEqual(
      {
        ok: true,
        version: '3.23',
      },
    );
    expect(
      sendVersion('compute', icehouse.topics.compute!, client('icehouse', '2014.1'), 'icehouse-compat'),
    ).toEqual({
      ok: true,
      version: '3.0',
    });
    // compute=havana (2.47) is what the OPS example says; Icehouse computes (3.x only) reject it.
    const havanaPin = sendVersion(
      'compute',
      icehouse.topics.compute!,
      client('icehouse', '2014.1'),
      'havana',
    );
    expect(havanaPin).toEqual({ ok: true, version: '2.47' });
    expect(accepts(servedVersions(icehouse.topics.compute!, '2014.1'), '2.47')).toBe(false);
  });

  it('a Havana compute pinned icehouse-compat speaks 3.0 from 2013.2.2 on; before, the alias is unknown', () => {
    expect(
      sendVersion('compute', havana.topics.compute!, client('havana', '2013.2.3'), 'icehouse-compat'),
    ).toEqual({
      ok: true,
      version: '3.0',
    });
    const old = sendVersion(
      'compute',
      havana.topics.compute!,
      client('havana', '2013.2.1'),
      'icehouse-compat',
    );
    expect(old.ok).toBe(false);
    if (!old.ok) expect(old.error).toMatch(/icehouse-compat only from 2013\.2\.2/);
  });

  it('Icehouse computes need conductor 2.0, which Havana conductors cannot serve; a lower cap fails', () => {
    const send = sendVersion(
      'conductor',
      icehouse.topics.conductor!,
      client('icehouse', '2014.1'),
      undefined,
    );
    expect(send).toEqual({ ok: true, version: '2.0' });
    expect(accepts(servedVersions(havana.topics.conductor!, '2013.2.3'), '2.0')).toBe(false);
    expect(accepts(servedVersions(icehouse.topics.conductor!, '2014.1'), '1.58')).toBe(true);
    const capped = sendVersion(
      'conductor',
      icehouse.topics.conductor!,
      client('icehouse', '2014.1'),
      'havana',
    );
    expect(capped.ok).toBe(false);
    if (!capped.ok) expect(capped.error).toMatch(/RPCVersionCapError/);
  });

  it('Icehouse schedulers serve Havana 2.9 and Icehouse 3.0; Havana ones only 2.9', () => {
    expect(accepts(servedVersions(icehouse.topics.scheduler!, '2014.1'), '2.9')).toBe(true);
    expect(accepts(servedVersions(havana.topics.scheduler!, undefined), '3.0')).toBe(false);
  });

  it('a literal version pin is taken as is (the network pin 1.10)', () => {
    expect(sendVersion('network', icehouse.topics.network!, client('icehouse', '2014.1'), '1.10')).toEqual({
      ok: true,
      version: '1.10',
    });
    expect(accepts(servedVersions(havana.topics.network!, undefined), '1.12')).toBe(false);
  });

  it('both releases link the same services and name their events API', () => {
    expect(havana.links).toBe(icehouse.links);
    expect(havana.events[0]).toMatchObject({ sends: false, serves: false });
    expect(icehouse.events[0]).toMatchObject({
      sends: true,
      serves: true,
      waiter: { key: 'vif_plugging_is_fatal' },
    });
    const known = new Set(CATALOG.releases.icehouse!.services.map((s) => s.name));
    for (const l of icehouse.links) for (const n of [...l.clients, ...l.servers]) expect(known).toContain(n);
    for (const n of icehouse.dataPlane) expect(known).toContain(n);
  });
});
