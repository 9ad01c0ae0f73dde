// `stackhop discover` against the real Zed lab, then `plan` on the inventory it wrote.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readLab, stackhopCli } from './lab.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-lab-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stackhop discover against the Zed lab', () => {
  it('writes an inventory of what runs where, marking its guesses, that validates and plans', async () => {
    const lab = readLab();
    const file = path.join(dir, 'discovered.yaml');
    const d = await stackhopCli(['discover', '--os-cloud', lab.cloud, '-o', file], lab);
    expect(d.code, d.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    const doc = parse(text) as {
      upgrade: { from: string; to: string };
      distro: string;
      hosts: { name: string; roles: string[]; services?: string[] }[];
      facts?: { instances?: number };
    };
    // Zed is learned from the compute API's newest microversion (2.93); the distro is a marked guess.
    expect(doc.upgrade).toEqual({ from: 'zed', to: 'zed' });
    expect(doc.distro).toBe('debian-12');
    expect(text).toMatch(/# discover: distro GUESSED/);
    const byName = new Map(doc.hosts.map((h) => [h.name, h]));
    expect(byName.get('lab-ctl')?.roles).toContain('controller');
    expect(byName.get('lab-ctl')?.services).toEqual(
      expect.arrayContaining(['keystone', 'placement-api', 'nova-conductor', 'nova-scheduler', 'nova-api']),
    );
    for (const h of lab.hosts.filter((x) => x.role === 'compute')) {
      expect(byName.get(h.name)?.roles, h.name).toEqual(['compute']);
      expect(byName.get(h.name)?.services, h.name).toEqual(['nova-compute']);
    }
    expect(doc.facts?.instances).toBe(lab.computes * lab.serversPerCompute);

    const v = await stackhopCli(['validate', file], lab);
    expect(v.code, v.stderr).toBe(0);
    for (const scenario of ['all-at-once', 'service-by-service', 'live-compute']) {
      const p = await stackhopCli(['plan', file, '--scenario', scenario], lab);
      expect(p.code, `${scenario}: ${p.stderr}`).toBe(0);
      expect(p.stdout).toContain(`scenario         ${scenario}`);
    }
  });
});
