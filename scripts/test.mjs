// The one test command (README, .ci/run): lint, type-check, then every vitest test; ends with the line
// `N passed, N failed` that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const bin = (name) => `node_modules/.bin/${name}`;
function step(title, cmd, args) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(bin(cmd), args, { stdio: 'inherit' });
  return r.status === 0;
}

// The SSH test fleet needs Debian's openssh-server and sudo: installed here, idempotently.
process.stdout.write('\n== test machine (sshd, sudo)\n');
const deps = spawnSync(process.execPath, ['scripts/fleet-deps.mjs'], { stdio: 'inherit' }).status === 0;
const lint = step('lint (biome)', 'biome', ['check', '.']);
const types = step('type-check (tsc)', 'tsc', ['--noEmit']);
mkdirSync('reports', { recursive: true });
const report = 'reports/vitest.json';
rmSync(report, { force: true });
const tests = step('tests (vitest)', 'vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${report}`,
]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A file that fails before its tests run (a setup error) has no failed test: count it as one.
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  failed = r.numFailedTests + brokenFiles;
}
if (!lint) process.stdout.write('\nlint failed\n');
if (!types) process.stdout.write('\ntype-check failed\n');
// A failed lint or type-check counts as one failed test so the closing line never reads all-green.
const extra = (lint ? 0 : 1) + (types ? 0 : 1) + (deps ? 0 : 1);
process.stdout.write(`\n${passed} passed, ${failed + extra} failed\n`);
process.exit(deps && lint && types && tests && failed === 0 ? 0 : 1);
