// Makes sure the programs the tests need from Debian are on this machine: for the SSH test fleet
// (test/fleet/), OpenSSH's sshd (openssh-server) and sudo (which also brings visudo); for the browser
// tests (test/browser/), Chromium (Debian's chromium at /usr/bin/chromium, driven headless by
// playwright-core, which downloads no browser of its own). Idempotent: a fast no-op when all three are
// installed. Everything goes in without its recommends (for chromium: fonts-liberation, upower, avahi,
// …, none of which headless Chromium needs). While installing, a temporary /usr/sbin/policy-rc.d that
// exits 101 stops the packages' postinst from starting the system sshd on port 22 (or any other
// service); it is removed afterwards only if this script created it. `apt-get update` runs only when
// the install fails for lack of package lists.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const needed = [
  { pkg: 'openssh-server', file: '/usr/sbin/sshd' },
  { pkg: 'sudo', file: '/usr/bin/sudo' },
  { pkg: 'sudo', file: '/usr/sbin/visudo' },
  { pkg: 'chromium', file: '/usr/bin/chromium' },
];
const missing = [...new Set(needed.filter((n) => !existsSync(n.file)).map((n) => n.pkg))];
if (missing.length === 0) {
  console.log('fleet-deps: sshd, sudo and chromium already installed; nothing to do');
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.error(`fleet-deps: missing ${missing.join(', ')} and not root; install them with apt-get`);
  process.exit(1);
}

const policy = '/usr/sbin/policy-rc.d';
let createdPolicy = false;
if (!existsSync(policy)) {
  writeFileSync(
    policy,
    '#!/bin/sh\n# written by stackhop scripts/fleet-deps.mjs for one install\nexit 101\n',
    {
      mode: 0o755,
    },
  );
  createdPolicy = true;
  console.log(`fleet-deps: wrote a temporary ${policy} (exit 101) so no service starts`);
}

const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const install = () => {
  console.log(`fleet-deps: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  return spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    // chromium brings some 60 packages: room for apt's whole output.
    maxBuffer: 64 * 1024 * 1024,
  });
};

let status = 1;
try {
  let r = install();
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`;
    if (/Unable to locate package|has no installation candidate|Failed to fetch|404/.test(out)) {
      console.log('fleet-deps: install failed for lack of package lists; running apt-get update');
      const u = spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
      if (u.status === 0) r = install();
    }
  }
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\n`);
    console.error(`fleet-deps: apt-get install failed (exit ${r.status})`);
  } else {
    status = 0;
    console.log(`fleet-deps: installed ${missing.join(', ')}`);
  }
} finally {
  if (createdPolicy) {
    rmSync(policy, { force: true });
    console.log(`fleet-deps: removed the temporary ${policy}`);
  }
}
process.exit(status);
