// The one test command (README, .ci/run): lint, type-check, every fast vitest test, then the Zed lab's
// end-to-end tests against a real OpenStack (vitest.lab.config.ts); ends with the line
// `N passed, N failed` that CI reads. `--lab-only` (npm run test:lab) runs the lab stage alone;
// STACKHOP_SKIP_LAB=1 skips it (a quick local loop; CI never sets it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const labOnly = process.argv.includes('--lab-only');
const withLab = labOnly || process.env.STACKHOP_SKIP_LAB !== '1';

const bin = (name) => `node_modules/.bin/${name}`;
function step(title, cmd, args) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(bin(cmd), args, { stdio: 'inherit' });
  return r.status === 0;
}

// The SSH test fleet needs Debian's openssh-server and sudo, the browser tests its chromium: installed here, idempotently.
process.stdout.write('\n== test machine (sshd, sudo, chromium)\n');
const deps = spawnSync(process.execPath, ['scripts/fleet-deps.mjs'], { stdio: 'inherit' }).status === 0;
const lint = labOnly || step('lint (biome)', 'biome', ['check', '.']);
const types = labOnly || step('type-check (tsc)', 'tsc', ['--noEmit']);
mkdirSync('reports', { recursive: true });

/** One vitest stage with its JSON report: passed, failed (a file that fails before its tests counts). */
function vitestStage(title, report, extra) {
  rmSync(report, { force: true });
  const ok = step(title, 'vitest', [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${report}`,
    ...extra,
  ]);
  if (!existsSync(report)) return { ok, passed: 0, failed: ok ? 0 : 1 };
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  // A stage that fails outside any test (global setup: the lab did not come up) counts as one failure.
  const failed = r.numFailedTests + brokenFiles;
  return { ok, passed: r.numPassedTests, failed: failed === 0 && !ok ? 1 : failed };
}

const stages = [];
if (!labOnly) stages.push(vitestStage('tests (vitest)', 'reports/vitest.json', []));
if (withLab) {
  const started = Date.now();
  const lab = vitestStage(
    'Zed lab: real OpenStack end to end (vitest.lab.config.ts)',
    'reports/vitest-lab.json',
    ['--config', 'vitest.lab.config.ts'],
  );
  process.stdout.write(`\nZed lab stage: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  stages.push(lab);
}
const passed = stages.reduce((n, s) => n + s.passed, 0);
const failed = stages.reduce((n, s) => n + s.failed, 0);
const tests = stages.every((s) => s.ok);
if (!lint) process.stdout.write('\nlint failed\n');
if (!types) process.stdout.write('\ntype-check failed\n');
// A failed lint or type-check counts as one failed test so the closing line never reads all-green.
const extra = (lint ? 0 : 1) + (types ? 0 : 1) + (deps ? 0 : 1);
process.stdout.write(`\n${passed} passed, ${failed + extra} failed\n`);
process.exit(deps && lint && types && tests && failed === 0 ? 0 : 1);
