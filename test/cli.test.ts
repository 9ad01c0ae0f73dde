// The command line, in-process through `main(argv)`: exit codes (0 ok, 1 rejected or failed, 2 bad input),
// one clear `stackhop: error: <file>:<line>:` message for every malformed inventory (never a stack trace),
// atomic output files, init/validate round trip, help, NO_COLOR, and the graph formats.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatViolations } from '../src/cli/commands/plan.js';
import { PLAN_FORMAT } from '../src/plan/types.js';
import { runCli, withEnv, withTty } from './support/cli.js';

const ROOT = join(import.meta.dirname, '..');
const BAD = join(import.meta.dirname, 'fixtures', 'bad-inventories');
const HA = relative(process.cwd(), join(ROOT, 'examples', 'ha-ubuntu.yaml'));
const AIO = relative(process.cwd(), join(ROOT, 'examples', 'all-in-one.yaml'));
const EXPECT = /^# expect: line (\d+)(?: field (\S+))?(?: contains (.+))?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escape sequences on purpose
const ESCAPE = /\x1b\[/;

const tmp = mkdtempSync(join(tmpdir(), 'stackhop-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fresh(name: string): string {
  return mkdtempSync(join(tmp, `${name}-`));
}

interface Fixture {
  name: string;
  file: string;
  line: number;
  field: string | undefined;
}

const fixtures: Fixture[] = readdirSync(BAD)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((name) => {
    const m = EXPECT.exec(readFileSync(join(BAD, name), 'utf8').split('\n')[0] ?? '');
    if (m === null) throw new Error(`${name}: no "# expect: line N" header`);
    return { name, file: relative(process.cwd(), join(BAD, name)), line: Number(m[1]), field: m[2] };
  });

/** Exactly one error message (plus optional hint lines), at file:line, with no stack trace. */
function expectOneInputError(stderr: string, file: string, line: number, field: string | undefined): void {
  const lines = stderr.split('\n').filter((l) => l !== '');
  const errors = lines.filter((l) => l.startsWith('stackhop: error: '));
  expect(errors.length, stderr).toBe(1);
  expect(lines[0], stderr).toBe(errors[0]);
  expect(
    lines.slice(1).every((l) => l.startsWith('  hint: ')),
    stderr,
  ).toBe(true);
  expect(errors[0]!.startsWith(`stackhop: error: ${file}:${line}:`), stderr).toBe(true);
  if (field !== undefined) expect(errors[0]).toContain(`: ${field}: `);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain('internal error');
}

describe('malformed inventories through the CLI', () => {
  it('has at least 12 fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))(
    'validate %s → exit 2, one error at file:line',
    async (_n, f) => {
      const r = await runCli(['validate', f.file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expectOneInputError(r.stderr, f.file, f.line, f.field);
    },
  );

  it.each(fixtures.map((f) => [f.name, f] as const))(
    'plan %s → exit 2, one error at file:line',
    async (_n, f) => {
      const r = await runCli(['plan', f.file, '--scenario', 'live-compute']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expectOneInputError(r.stderr, f.file, f.line, f.field);
    },
  );
});

describe('bad arguments', () => {
  it('unknown scenario → exit 2', async () => {
    const r = await runCli(['plan', HA, '--scenario', 'big-bang']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('big-bang');
    expect(r.stdout).toBe('');
  });

  it('missing --scenario → exit 2', async () => {
    const r = await runCli(['plan', HA]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--scenario');
  });

  it('unknown command → exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('missing inventory file → exit 2 naming the file', async () => {
    const missing = join(tmp, 'no-such-inventory.yaml');
    for (const argv of [
      ['validate', missing],
      ['plan', missing, '--scenario', 'live-compute'],
    ]) {
      const r = await runCli(argv);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.startsWith(`stackhop: error: ${missing}`), r.stderr).toBe(true);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('parallel-compute on an inventory without spare hosts → exit 2 naming spare_hosts', async () => {
    const r = await runCli(['plan', AIO, '--scenario', 'parallel-compute']);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`stackhop: error: ${AIO}: spare_hosts: `), r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('plan output', () => {
  it('--format json -o FILE writes valid JSON atomically and exits 0', async () => {
    const dir = fresh('json');
    const out = join(dir, 'plan.json');
    const r = await runCli(['plan', HA, '--scenario', 'live-compute', '--format', 'json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const plan = JSON.parse(readFileSync(out, 'utf8')) as {
      format: string;
      scenario: string;
      steps: unknown[];
    };
    expect(plan.format).toBe(PLAN_FORMAT);
    expect(plan.scenario).toBe('live-compute');
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(r.stderr).toContain(`${plan.steps.length} steps`);
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('-o replaces an existing file, leaving no temporary file behind', async () => {
    const dir = fresh('replace');
    const out = join(dir, 'plan.json');
    writeFileSync(out, 'old content\n');
    const r = await runCli(['plan', AIO, '--scenario', 'all-at-once', '--format', 'json', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as { scenario: string }).scenario).toBe('all-at-once');
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('json on stdout is the same document -o writes', async () => {
    const dir = fresh('same');
    const out = join(dir, 'plan.json');
    const a = await runCli(['plan', AIO, '--scenario', 'live-compute', '--format', 'json']);
    const b = await runCli(['plan', AIO, '--scenario', 'live-compute', '--format', 'json', '-o', out]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(readFileSync(out, 'utf8')));
  });

  // BUG (reported, not fixed here): an output path in a directory that does not exist is bad input, yet
  // the CLI reports "stackhop: internal error: ENOENT … this is a bug in stackhop" and exits 1:
  // writeFileAtomic (src/cli/write-file.ts) lets the raw fs error escape, and main's report() treats any
  // non-StackhopError as internal. Expected: exit 2 with one `stackhop: error:` naming the path.
  it('-o into a missing directory → exit 2 naming the path, not an internal error', async () => {
    const out = join(tmp, 'no-such-dir', 'plan.json');
    const r = await runCli(['plan', AIO, '--scenario', 'live-compute', '--format', 'json', '-o', out]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(out);
  });

  it.each([
    ['dot', /^digraph /],
    ['mermaid', /^(flowchart|graph) /],
  ] as const)('--format %s exits 0', async (format, head) => {
    const r = await runCli(['plan', HA, '--scenario', 'live-compute', '--format', format]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimStart()).toMatch(head);
    expect(r.stdout).toContain('set-rpc-pin');
    expect(r.stdout).toContain('enable-compute');
  });

  it('every scenario of every example plans with exit 0, or exit 2 for parallel-compute without spares', async () => {
    for (const example of ['ha-ubuntu', 'all-in-one', 'rdo-cloud', 'nova-network']) {
      const file = relative(process.cwd(), join(ROOT, 'examples', `${example}.yaml`));
      for (const scenario of ['all-at-once', 'service-by-service', 'parallel-compute', 'live-compute']) {
        const r = await runCli(['plan', file, '--scenario', scenario, '--format', 'json']);
        const noSpares = scenario === 'parallel-compute' && example !== 'ha-ubuntu';
        expect(r.code, `${example} ${scenario}: ${r.stderr}`).toBe(noSpares ? 2 : 0);
      }
    }
  });
});

describe('colour', () => {
  it('NO_COLOR output has no escape codes, even on a terminal', async () => {
    const r = await withTty(true, () =>
      withEnv({ NO_COLOR: '1', TERM: 'xterm' }, () => runCli(['plan', HA, '--scenario', 'live-compute'])),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('== 1.');
    expect(r.stdout).not.toMatch(ESCAPE);
  });

  it('a terminal without NO_COLOR gets colour (so the test above can see escape codes)', async () => {
    const r = await withTty(true, () =>
      withEnv({ NO_COLOR: undefined, TERM: 'xterm' }, () =>
        runCli(['plan', HA, '--scenario', 'live-compute']),
      ),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(ESCAPE);
  });

  it('piped output (not a terminal) has no escape codes', async () => {
    const r = await withTty(false, () =>
      withEnv({ NO_COLOR: undefined, TERM: 'xterm' }, () =>
        runCli(['plan', HA, '--scenario', 'live-compute']),
      ),
    );
    expect(r.stdout).not.toMatch(ESCAPE);
  });

  it('-o never writes escape codes into the file', async () => {
    const out = join(fresh('color'), 'plan.txt');
    const r = await withTty(true, () =>
      withEnv({ NO_COLOR: undefined, TERM: 'xterm' }, () =>
        runCli(['plan', HA, '--scenario', 'live-compute', '-o', out]),
      ),
    );
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toMatch(ESCAPE);
  });
});

describe('init and validate', () => {
  it('init writes an inventory that validate accepts and plan can plan', async () => {
    const file = join(fresh('init'), 'stackhop.yaml');
    const r = await runCli(['init', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(file)).toBe(true);
    const v = await runCli(['validate', file]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain(`${file}: valid`);
    const p = await runCli(['plan', file, '--scenario', 'live-compute']);
    expect(p.code, p.stderr).toBe(0);
  });

  it('init on an existing file without --force → exit 2 and the file unchanged', async () => {
    const dir = fresh('exists');
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'cloud: mine\n');
    const r = await runCli(['init', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`stackhop: error: ${file}`), r.stderr).toBe(true);
    expect(r.stderr).toContain('--force');
    expect(readFileSync(file, 'utf8')).toBe('cloud: mine\n');
    expect(readdirSync(dir)).toEqual(['mine.yaml']);
  });

  it('init --force replaces an existing file', async () => {
    const file = join(fresh('force'), 'mine.yaml');
    writeFileSync(file, 'cloud: mine\n');
    const r = await runCli(['init', file, '--force']);
    expect(r.code, r.stderr).toBe(0);
    expect((await runCli(['validate', file])).code).toBe(0);
  });

  it('init - prints the example on stdout', async () => {
    const r = await runCli(['init', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('upgrade: { from: havana, to: icehouse }');
  });

  it('validate --json prints the expanded inventory', async () => {
    const r = await runCli(['validate', HA, '--json']);
    expect(r.code).toBe(0);
    const inv = JSON.parse(r.stdout) as { hosts: unknown[] };
    expect(inv.hosts.length).toBe(3 + 2 + 48 + 2);
  });
});

describe('help', () => {
  it.each([[['--help']], [['plan', '--help']], [['validate', '--help']], [['init', '--help']]])(
    '%j → exit 0 with usage',
    async (argv) => {
      const r = await runCli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Usage: stackhop/);
    },
  );

  it('--version → exit 0', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+\.\d+\.\d+/);
  });
});

describe('a plan the checker rejects', () => {
  // The exit-1 path through `main` is covered in cli-rejected-plan.test.ts (it replaces the planner with
  // one that returns a broken plan); here the report itself.
  it('formatViolations names every invariant with its steps and the suppressed counts', () => {
    const text = formatViolations({
      ok: false,
      violations: [
        { invariant: 'live.unpin-after-computes', message: 'unpin too early', steps: ['a', 'b'] },
        {
          invariant: 'backup.database-first',
          message: 'no backup',
          steps: ['1', '2', '3', '4', '5', '6', '7'],
        },
      ],
      suppressed: { 'backup.database-first': 3 },
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toContain('plan rejected');
    expect(text).toContain('✗ live.unpin-after-computes: unpin too early');
    expect(text).toContain('steps: a, b');
    expect(text).toContain('steps: 1, 2, 3, 4, 5, 6, …');
    expect(text).toContain('… and at least 3 more backup.database-first');
    expect(text.endsWith('\n')).toBe(true);
  });
});
