// Installs the npm dependencies when they are missing or older than package-lock.json, so the README's
// commands work on a fresh clone. Idempotent and quiet when nothing needs doing.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  process.stderr.write('stackhop: installing dependencies (npm ci)…\n');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
