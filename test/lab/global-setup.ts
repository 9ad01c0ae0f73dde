// Brings the Zed lab up (from nothing: packages, databases, services, servers) and its hosts' sshds
// before the lab tests, and everything down after them: nothing of the lab is left running.

import type { Fleet } from '../fleet/fleet.js';
import { labScript, readLab, startLabHosts } from './lab.js';

let hosts: Fleet | undefined;

export async function setup(): Promise<void> {
  const started = Date.now();
  await labScript('up');
  hosts = await startLabHosts(readLab());
  process.stdout.write(`lab up with its SSH hosts in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

export async function teardown(): Promise<void> {
  await labScript('down');
  await hosts?.stop();
}
