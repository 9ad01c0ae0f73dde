// Neutron v2.0 agents (the agent extension, Havana and Icehouse). The catalog lists Neutron without
// its version (`http://api:9696`); clients append /v2.0.

import { z } from 'zod';
import type { CallOptions, ServiceClient } from './service.js';

const AgentBody = z
  .object({
    id: z.string(),
    agent_type: z.string(),
    binary: z.string(),
    host: z.string(),
    admin_state_up: z.boolean(),
    // True if the agent reported within agent_down_time (75 s by default).
    alive: z.boolean(),
    heartbeat_timestamp: z.string().nullish(),
  })
  .loose();

const AgentsResponse = z.object({ agents: z.array(AgentBody) }).loose();

export interface NeutronAgent {
  id: string;
  agentType: string;
  binary: string;
  host: string;
  adminStateUp: boolean;
  alive: boolean;
  heartbeatTimestamp: string | null;
}

export class NeutronClient {
  readonly #svc: ServiceClient;

  constructor(svc: ServiceClient) {
    this.#svc = svc;
  }

  /** GET /v2.0/agents, filtered by host (Neutron filters on any attribute; checked here as well). */
  async listAgents(filter: { host?: string } = {}, opts: CallOptions = {}): Promise<NeutronAgent[]> {
    const body = await this.#svc.call('GET', 'agents', AgentsResponse, {
      ...opts,
      query: { host: filter.host },
    });
    return body.agents
      .filter((a) => filter.host === undefined || a.host === filter.host)
      .map((a) => ({
        id: a.id,
        agentType: a.agent_type,
        binary: a.binary,
        host: a.host,
        adminStateUp: a.admin_state_up,
        alive: a.alive,
        heartbeatTimestamp: a.heartbeat_timestamp ?? null,
      }));
  }

  toJSON(): object {
    return { service: 'network' };
  }
}
