// No password or token may appear in any text stackhop can produce from a client object or an error:
// JSON.stringify, String(), template literals, util.inspect (what console.log prints), stacks.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Standin, startStandin } from '../../../test/support/openstack-standin/index.js';
import { openCloud } from './cloud.js';
import { authFromCloud } from './clouds.js';
import type { AuthOptions } from './credentials.js';
import { authFromEnv } from './env.js';
import { HttpClient } from './http.js';
import { issueToken } from './keystone.js';
import { Secret } from './secret.js';
import { ServiceClient } from './service.js';
import { instantClock } from './testing.js';

let standin: Standin;
let echo: Server;
let echoUrl: string;

beforeAll(async () => {
  standin = await startStandin({ servers: [{ id: 'vm-1', host: 'cmp01' }], migrationDelayMs: 5 });
  // A misbehaving service: quotes the request's token and body back in its error, and a Keystone that
  // answers a v2.0 token in a shape stackhop refuses.
  echo = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (req.url?.endsWith('/v2.0/tokens')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ access: { token: { id: 'leaky-token-0123456789abcdef', expires: 'soon' } } }),
        );
        return;
      }
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          badRequest: { message: `bad token ${req.headers['x-auth-token']} in ${body}`, code: 400 },
        }),
      );
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await standin.close();
  await new Promise((r) => echo.close(r));
});

const texts = (x: unknown): string[] => {
  const out = [
    JSON.stringify(x) ?? '',
    String(x),
    `${x as string}`,
    inspect(x, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
  ];
  if (x instanceof Error) out.push(x.stack ?? '', x.message);
  return out;
};

const caught = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
};

describe('secrets never printed', () => {
  it('holds for every client object and every error', async () => {
    const password = standin.user.password;
    const objects: unknown[] = [];
    const auth = authFromEnv(standin.env('3'));
    const auth2 = authFromEnv(standin.env('2.0'));
    objects.push(auth, auth2, auth.password);

    const dir = mkdtempSync(join(tmpdir(), 'stackhop-secrets-'));
    const env = standin.env('3');
    writeFileSync(
      join(dir, 'clouds.yaml'),
      `clouds:\n  lab:\n    auth:\n      auth_url: ${env.OS_AUTH_URL}\n      username: admin\n      password: ${password}\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n`,
    );
    objects.push(authFromCloud('lab', { cwd: dir, home: dir, env: {} }));

    const clock = instantClock();
    const cloud = await openCloud(auth, { clock, retry: { attempts: 2 } });
    const cloud2 = await openCloud(auth2, { clock });
    objects.push(cloud, cloud.nova, cloud.neutron, cloud.cinder, cloud.session, cloud2, cloud2.session);
    objects.push(await cloud.nova.listServices(), await cloud.nova.getServer('vm-1'));

    // Errors of every kind, each made while a token or password was in play.
    objects.push(await caught(openCloud({ ...auth, password: new Secret(`${password}-wrong`) })));
    objects.push(await caught(openCloud({ ...auth, regionName: 'Nowhere' })));
    standin.failNext('compute', 5);
    objects.push(await caught(cloud.nova.listHypervisors()));
    standin.injectMigrationFault({ stage: 'error', message: 'boom' });
    objects.push(
      await caught(cloud.nova.liveMigrateAndWait('vm-1', { host: 'cmp02' }, { pollIntervalMs: 5 })),
    );
    objects.push(
      await caught(
        new HttpClient({ clock, retry: { attempts: 1 } }).send({ method: 'GET', url: 'http://127.0.0.1:1/' }),
      ),
    );
    objects.push(
      await caught(Promise.resolve().then(() => authFromEnv({ ...standin.env('3'), OS_INTERFACE: 'nope' }))),
    );
    const echoing = new ServiceClient(cloud.session, new HttpClient({ clock }), ['compute'], {
      base: () => echoUrl,
    });
    const echoed = await caught(echoing.call('PUT', 'x', z.unknown(), { json: { password } }));
    objects.push(echoed);
    const badV2: AuthOptions = { ...auth2, authUrl: `${echoUrl}/v2.0` };
    objects.push(await caught(issueToken(new HttpClient({ clock }), badV2)));

    const tokens = [
      ...standin.state.tokens.keys(),
      (await cloud.session.token()).reveal(),
      'leaky-token-0123456789abcdef',
    ];
    expect(tokens.length).toBeGreaterThan(3);
    for (const o of objects) {
      for (const text of texts(o)) {
        expect(text).not.toContain(password);
        for (const t of tokens) expect(text).not.toContain(t);
      }
    }
    // The echoing service's message survives, with the secrets blanked.
    expect((echoed as Error).message).toMatch(
      /HTTP 400: bad token \[redacted\] in \{"password":"\[redacted\]"\}/,
    );
    cloud.close();
    cloud2.close();
  });
});
