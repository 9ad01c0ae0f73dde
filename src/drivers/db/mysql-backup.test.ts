import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BackupError,
  dumpCommand,
  dumpFile,
  inspectCommand,
  manifestFile,
  restoreCommand,
} from './mysql-backup.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The script inside `bash -c SCRIPT`, as bash receives it. */
function scriptOf(command: string): string {
  expect(command.startsWith('bash -c ')).toBe(true);
  const out = execFileSync('/bin/sh', ['-c', `args() { printf '%s\\0' "$@"; }; args ${command.slice(5)}`]);
  const argv = out.toString('utf8').split('\0').slice(0, -1);
  expect(argv).toHaveLength(2);
  return argv[1]!;
}

// Fake mysqldump and mysql on PATH: the rendered commands run for real in bash, against files.
const bin = path.join(dir, 'bin');
const calls = path.join(dir, 'calls.log');
const mysqlIn = path.join(dir, 'mysql.stdin');
mkdirSync(bin);
const tools: Record<string, string> = {
  // FAKE_DUMP_EXIT makes it fail after some output, like a mysqldump losing its connection.
  mysqldump: `printf -- '-- MariaDB dump\\nCREATE TABLE \`a\` (id int);\\nCREATE TABLE \`b\` (id int);\\n'
if [ -n "$FAKE_DUMP_EXIT" ]; then echo "mysqldump: Got error: 1049: Unknown database" >&2; exit "$FAKE_DUMP_EXIT"; fi
printf -- '-- Dump completed on 2014-06-01 12:00:00\\n'`,
  mysql: `if [ "$1" = -N ] || [ "$2" = -N ]; then echo "\${FAKE_LIVE:-2}"; else cat > "${mysqlIn}"; fi`,
};
for (const [name, body] of Object.entries(tools)) {
  writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> "${calls}"\n${body}\n`);
  chmodSync(path.join(bin, name), 0o755);
}

function run(command: string, env: Record<string, string> = {}) {
  return spawnSync('/bin/sh', ['-c', command], {
    env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
    // Not a socket on stdin (libuv's pipes are socketpairs): bash would take itself for an sshd
    // child and read ~/.bashrc.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function loggedCalls(): string[] {
  return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
}

const out = path.join(dir, 'backups', 'r1');

beforeEach(() => {
  rmSync(path.join(dir, 'backups'), { recursive: true, force: true });
  rmSync(calls, { force: true });
  rmSync(mysqlIn, { force: true });
});

describe('names', () => {
  it('the dump and its manifest sit in the run folder', () => {
    expect(dumpFile('/var/backups/stackhop/r1', 'nova')).toBe('/var/backups/stackhop/r1/nova.sql.gz');
    expect(manifestFile('/var/backups/stackhop/r1', 'ovs_neutron')).toBe(
      '/var/backups/stackhop/r1/ovs_neutron.sql.gz.manifest.json',
    );
  });

  it.each(['', 'nova db', 'nova;drop', "nova'", 'nova-api', '../etc/x', 'nova\n', '$(id)', '`id`'])(
    'refuses the database name %j in every command',
    (name) => {
      const sha = 'a'.repeat(64);
      expect(() => dumpFile('/d', name)).toThrow(/not a database name/);
      expect(() => dumpCommand('/d', name)).toThrow(/not a database name/);
      expect(() => inspectCommand('/d', name)).toThrow(/not a database name/);
      expect(() => restoreCommand('/d', name, sha)).toThrow(/not a database name/);
    },
  );
});

describe('dumpCommand', () => {
  it('pipefail, root-only files, a full consistent dump into a temp file, then a rename', () => {
    const script = scriptOf(dumpCommand('/var/backups/stackhop/r1', 'nova'));
    expect(script.split('\n')).toEqual([
      'set -e -o pipefail',
      'umask 077',
      'mkdir -p /var/backups/stackhop/r1',
      'mysqldump --single-transaction --routines --triggers --add-drop-database --databases nova | ' +
        'gzip -c > /var/backups/stackhop/r1/nova.sql.gz.tmp',
      'mv -f /var/backups/stackhop/r1/nova.sql.gz.tmp /var/backups/stackhop/r1/nova.sql.gz',
    ]);
  });

  it('the option file comes first, as mysqldump requires', () => {
    const script = scriptOf(dumpCommand('/b', 'nova', '/b/.stackhop-my.cnf'));
    expect(script).toContain('mysqldump --defaults-file=/b/.stackhop-my.cnf --single-transaction ');
  });

  it('run in bash: the dump lands gzipped under its final name, no temp file left', () => {
    const r = run(dumpCommand(out, 'nova'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const file = dumpFile(out, 'nova');
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(gunzipSync(readFileSync(file)).toString('utf8')).toMatch(/Dump completed on/);
    expect(loggedCalls()).toEqual([
      'mysqldump --single-transaction --routines --triggers --add-drop-database --databases nova',
    ]);
  });

  it('run in bash: a failing mysqldump fails the command although gzip succeeds, and no dump is left', () => {
    const r = run(dumpCommand(out, 'nova'), { FAKE_DUMP_EXIT: '2' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Unknown database/);
    expect(existsSync(dumpFile(out, 'nova'))).toBe(false);
  });

  it('a folder with spaces and quotes is one argument', () => {
    const odd = path.join(dir, 'backups', "run 'one'");
    expect(run(dumpCommand(odd, 'nova')).status).toBe(0);
    expect(existsSync(path.join(odd, 'nova.sql.gz'))).toBe(true);
  });
});

describe('inspectCommand', () => {
  it('run in bash: bytes, sha256, CREATE TABLEs, live tables, closing line', () => {
    expect(run(dumpCommand(out, 'nova')).status).toBe(0);
    rmSync(calls);
    const file = dumpFile(out, 'nova');
    const r = run(inspectCommand(out, 'nova', '/x/my.cnf'));
    expect(r.status).toBe(0);
    const bytes = readFileSync(file);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(r.stdout).toBe(`${bytes.length} ${sha} 2 2 1\n`);
    const [call] = loggedCalls();
    expect(call).toBe(
      "mysql --defaults-file=/x/my.cnf -N -B -e SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='nova' AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')",
    );
  });

  it('run in bash: a dump without its closing line says 0', () => {
    mkdirSync(out, { recursive: true });
    writeFileSync(dumpFile(out, 'nova'), gzipSync('-- MariaDB dump\nCREATE TABLE `a` (id int);\n'));
    const r = run(inspectCommand(out, 'nova'), { FAKE_LIVE: '3' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split(' ').slice(2)).toEqual(['1', '3', '0']);
  });

  it('run in bash: a missing dump fails', () => {
    expect(run(inspectCommand(out, 'nova')).status).not.toBe(0);
  });
});

describe('restoreCommand', () => {
  const goodSha = 'ab'.repeat(32);

  it.each([
    ['empty', ''],
    ['too short', 'a'.repeat(63)],
    ['too long', 'a'.repeat(65)],
    ['upper case', 'A'.repeat(64)],
    ['not hex', 'g'.repeat(64)],
    ['with a file name', `${'a'.repeat(64)}  /etc/shadow`],
    ['with a newline', `${'a'.repeat(64)}\n`],
    ['shell syntax', `${'a'.repeat(60)}$(id)`],
  ])('refuses a checksum that is %s', (_, sha) => {
    expect(() => restoreCommand('/b', 'nova', sha)).toThrow(/checksum/);
  });

  it('checks the dump against its checksum before feeding it to mysql', () => {
    expect(scriptOf(restoreCommand('/b', 'nova', goodSha, '/b/.stackhop-my.cnf')).split('\n')).toEqual([
      'set -e -o pipefail',
      `echo '${goodSha}  /b/nova.sql.gz' | sha256sum -c --quiet -`,
      'gzip -dc /b/nova.sql.gz | mysql --defaults-file=/b/.stackhop-my.cnf',
    ]);
  });

  it('run in bash: the right checksum feeds the dump to mysql; a wrong one never calls mysql', () => {
    expect(run(dumpCommand(out, 'nova')).status).toBe(0);
    const file = dumpFile(out, 'nova');
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    rmSync(calls);

    const wrong = run(
      restoreCommand(
        out,
        'nova',
        sha.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      ),
    );
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/did NOT match/);
    expect(loggedCalls()).toEqual([]);

    const ok = run(restoreCommand(out, 'nova', sha));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(readFileSync(mysqlIn)).toEqual(gunzipSync(readFileSync(file)));
  });
});

describe('BackupError', () => {
  it('names the host and database and keeps the details', () => {
    const e = new BackupError('db1', 'nova', 'mysqldump failed (exit 2)', { exitCode: 2, stderrTail: 'x' });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('BackupError');
    expect(e.message).toBe('db1: backup of nova: mysqldump failed (exit 2)');
    expect(e.detail).toEqual({ exitCode: 2, stderrTail: 'x' });
  });
});
