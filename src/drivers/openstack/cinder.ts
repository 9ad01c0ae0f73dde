// Cinder os-services (an extension in Havana and Icehouse, on v1 and v2). Havana's filter parameter is
// `service` where later releases say `binary`, so filtering is done here.

import { z } from 'zod';
import type { CallOptions, ServiceClient } from './service.js';

const ServiceBody = z
  .object({
    binary: z.string(),
    host: z.string(),
    zone: z.string().nullish(),
    status: z.enum(['enabled', 'disabled']),
    state: z.enum(['up', 'down']),
    updated_at: z.string().nullish(),
    disabled_reason: z.string().nullish(),
  })
  .loose();

const ServicesResponse = z.object({ services: z.array(ServiceBody) }).loose();

export interface CinderService {
  binary: string;
  host: string;
  zone: string | null;
  status: 'enabled' | 'disabled';
  state: 'up' | 'down';
  updatedAt: string | null;
}

export class CinderClient {
  readonly #svc: ServiceClient;

  constructor(svc: ServiceClient) {
    this.#svc = svc;
  }

  async listServices(
    filter: { host?: string; binary?: string } = {},
    opts: CallOptions = {},
  ): Promise<CinderService[]> {
    const body = await this.#svc.call('GET', 'os-services', ServicesResponse, opts);
    return body.services
      .filter(
        (s) =>
          (filter.host === undefined || sameHost(s.host, filter.host)) &&
          (filter.binary === undefined || s.binary === filter.binary),
      )
      .map((s) => ({
        binary: s.binary,
        host: s.host,
        zone: s.zone ?? null,
        status: s.status,
        state: s.state,
        updatedAt: s.updated_at ?? null,
      }));
  }

  toJSON(): object {
    return { service: 'volume' };
  }
}

/** cinder-volume with several backends reports as `host@backend`. */
function sameHost(reported: string, host: string): boolean {
  return reported === host || reported.startsWith(`${host}@`);
}
