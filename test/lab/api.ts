// The lab's real Keystone and Nova, read with plain fetch: an observer independent of stackhop's own
// OpenStack client, for the assertions of the end-to-end tests.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { LabInfo } from './lab.js';

interface CloudsYaml {
  clouds: Record<string, { auth: { password: string } }>;
}

export interface NovaService {
  id: string;
  binary: string;
  host: string;
  state: 'up' | 'down';
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
}

export interface Server {
  id: string;
  name: string;
  status: string;
  'OS-EXT-SRV-ATTR:host': string | null;
}

export interface Migration {
  id: number;
  instance_uuid: string;
  source_compute: string;
  dest_compute: string;
  status: string;
  migration_type: string;
  created_at: string;
}

export class LabApi {
  private token?: { value: string; compute: string; expires: number };

  constructor(private readonly lab: LabInfo) {}

  private async auth(): Promise<{ value: string; compute: string }> {
    if (this.token !== undefined && this.token.expires > Date.now() + 60_000) return this.token;
    const clouds = parse(readFileSync(this.lab.cloudsYaml, 'utf8')) as CloudsYaml;
    const password = clouds.clouds[this.lab.cloud]?.auth.password;
    if (password === undefined) throw new Error(`no cloud ${this.lab.cloud} in ${this.lab.cloudsYaml}`);
    const res = await fetch(`${this.lab.keystoneUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: this.lab.adminUser, domain: { name: this.lab.domain }, password } },
          },
          scope: { project: { name: this.lab.adminProject, domain: { name: this.lab.domain } } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`keystone: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as {
      token: {
        expires_at: string;
        catalog: { type: string; endpoints: { interface: string; url: string }[] }[];
      };
    };
    const compute = body.token.catalog
      .find((s) => s.type === 'compute')
      ?.endpoints.find((e) => e.interface === 'public')?.url;
    if (compute === undefined) throw new Error('no public compute endpoint in the catalog');
    this.token = {
      value: res.headers.get('x-subject-token') ?? '',
      compute,
      expires: Date.parse(body.token.expires_at),
    };
    return this.token;
  }

  async nova<T>(pathAndQuery: string, microversion = '2.80'): Promise<T> {
    const t = await this.auth();
    const res = await fetch(`${t.compute}${pathAndQuery}`, {
      headers: { 'x-auth-token': t.value, 'openstack-api-version': `compute ${microversion}` },
    });
    if (!res.ok) throw new Error(`nova GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async services(): Promise<NovaService[]> {
    return (await this.nova<{ services: NovaService[] }>('/os-services')).services;
  }

  async servers(): Promise<Server[]> {
    return (await this.nova<{ servers: Server[] }>('/servers/detail?all_tenants=1')).servers;
  }

  async migrations(): Promise<Migration[]> {
    return (await this.nova<{ migrations: Migration[] }>('/os-migrations')).migrations;
  }
}
