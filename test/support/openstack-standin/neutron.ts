// INTERIM stand-in (see README.md): Neutron's version list and GET /v2.0/agents (agent extension,
// Havana/Icehouse fields), with Neutron's generic filtering on any attribute given in the query.

import { type Ctx, neutronError, type Reply, reply, unauthorized } from './http-util.js';
import { iso } from './state.js';

export async function handleNeutron(ctx: Ctx): Promise<Reply> {
  const path = ctx.segments.join('/');
  if (ctx.method === 'GET' && path === '') {
    return reply(200, {
      versions: [
        { status: 'CURRENT', id: 'v2.0', links: [{ href: `${ctx.origin}/network/v2.0`, rel: 'self' }] },
      ],
    });
  }
  if (ctx.token === undefined) return unauthorized(ctx.origin);
  if (ctx.method !== 'GET' || (path !== 'v2.0/agents' && path !== 'v2.0/agents.json')) {
    return neutronError(404, 'HTTPNotFound', 'The resource could not be found.');
  }
  const now = Date.now();
  const agents = await Promise.all(
    ctx.state.agents.map(async (a) => {
      const alive = await ctx.state.serviceUp(a.host, a.binary);
      return {
        binary: a.binary,
        description: null,
        admin_state_up: a.adminStateUp,
        heartbeat_timestamp: iso(now - (alive ? 4_000 : 600_000))
          .replace('T', ' ')
          .replace('Z', ''),
        alive,
        topic: a.topic,
        host: a.host,
        agent_type: a.agentType,
        created_at: '2014-01-01 00:00:00',
        started_at: '2014-01-01 00:00:00',
        id: a.id,
        configurations: {},
      };
    }),
  );
  const filters = [...ctx.url.searchParams.entries()].filter(([k]) => k !== 'fields');
  const kept = agents.filter((a) =>
    filters.every(([k, v]) => String((a as Record<string, unknown>)[k]) === v),
  );
  return reply(200, { agents: kept });
}
