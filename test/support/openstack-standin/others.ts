// INTERIM stand-in (see README.md): the APIs stackhop only probes (Glance, Heat, Ceilometer): their
// unauthenticated version documents, and the auth_token middleware's 401 for anything else.

import { type Ctx, type Reply, reply, unauthorized } from './http-util.js';

export function handleVersionOnly(ctx: Ctx, api: 'image' | 'orchestration' | 'metering'): Reply {
  if (ctx.method === 'GET' && ctx.segments.length === 0) {
    const version = api === 'image' ? 'v2.2' : api === 'orchestration' ? 'v1.0' : 'v2';
    // Glance and Heat answer their root with 300 Multiple Choices.
    const status = api === 'metering' ? 200 : 300;
    return reply(status, {
      versions: [
        {
          id: version,
          status: 'CURRENT',
          links: [{ href: `${ctx.origin}/${api}/${version.split('.')[0]}/`, rel: 'self' }],
        },
      ],
    });
  }
  if (ctx.token === undefined) return unauthorized(ctx.origin);
  return reply(404, { error: { message: 'Not found', code: 404, title: 'Not Found' } });
}
