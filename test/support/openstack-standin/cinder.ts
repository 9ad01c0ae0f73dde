// INTERIM stand-in (see README.md): Cinder's version list and os-services on v1 and v2, filtered by
// `host` and by `service` (Havana) or `binary` (later).

import { type Ctx, novaFault, type Reply, reply, unauthorized } from './http-util.js';
import { iso } from './state.js';

export async function handleCinder(ctx: Ctx): Promise<Reply> {
  const [version, , resource, extra] = ctx.segments;
  if (ctx.method === 'GET' && version === undefined) {
    const v = (id: string) => ({
      id,
      status: id === 'v2.0' ? 'CURRENT' : 'SUPPORTED',
      updated: '2012-11-21T11:33:21Z',
      links: [],
    });
    return reply(300, { versions: [v('v1.0'), v('v2.0')] });
  }
  if (ctx.token === undefined) return unauthorized(ctx.origin);
  if (
    ctx.method !== 'GET' ||
    (version !== 'v1' && version !== 'v2') ||
    resource !== 'os-services' ||
    extra !== undefined
  ) {
    return novaFault(404, 'The resource could not be found.');
  }
  const q = ctx.url.searchParams;
  const host = q.get('host');
  const binary = q.get('binary') ?? q.get('service');
  const rows = ctx.state.cinderServices.filter(
    (s) => (!host || s.host === host) && (!binary || s.binary === binary),
  );
  const services = await Promise.all(
    rows.map(async (s) => {
      const up = await ctx.state.serviceUp(s.host, s.binary);
      return {
        binary: s.binary,
        host: s.host,
        zone: s.zone,
        status: s.disabled ? 'disabled' : 'enabled',
        state: up ? 'up' : 'down',
        updated_at: iso(Date.now() - (up ? 5_000 : 600_000)).replace('Z', '.000000'),
      };
    }),
  );
  return reply(200, { services });
}
