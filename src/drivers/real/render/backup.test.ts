import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKUP_ROOT,
  backupDir,
  configBackupCommand,
  configRestoreCommand,
  fileBackupPath,
  fileNameOf,
} from './backup.js';

// The commands take absolute paths and archive them relative to /: a tree under a temp dir is a tree
// under / like /etc/nova, so the rendered text runs unchanged in a real /bin/sh.
const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = path.join(dir, 'host');
const nova = path.join(root, 'etc/nova');
const keystone = path.join(root, 'etc/keystone');
const odd = path.join(root, "etc/it's a dir");
const heat = path.join(root, 'etc/heat');
const archive = path.join(dir, 'var backups/run 1/config/pre_ctl1_backup-config.tgz');

function sh(command: string) {
  return spawnSync('/bin/sh', ['-c', command], { encoding: 'utf8' });
}

/** What the archive holds, as absolute paths, directories without their trailing slash. */
function listing(file: string): string[] {
  return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `/${l.replace(/\/$/, '')}`)
    .sort();
}

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(path.join(dir, 'var backups'), { recursive: true, force: true });
  mkdirSync(path.join(nova, 'rootwrap.d'), { recursive: true });
  writeFileSync(path.join(nova, 'nova.conf'), '[DEFAULT]\nrpc_backend = rabbit\n');
  writeFileSync(path.join(nova, 'api-paste.ini'), '[pipeline:main]\n');
  writeFileSync(path.join(nova, 'rootwrap.d/compute.filters'), '[Filters]\n');
  chmodSync(path.join(nova, 'nova.conf'), 0o640);
  mkdirSync(keystone, { recursive: true });
  writeFileSync(path.join(keystone, 'keystone.conf'), '[database]\n');
  mkdirSync(odd, { recursive: true });
  writeFileSync(path.join(odd, 'x $(id).conf'), 'odd\n');
});

describe('configBackupCommand', () => {
  it('archives exactly the paths that exist, skipping a missing one', () => {
    const r = sh(configBackupCommand([nova, heat, keystone, odd], archive));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(archive)).toBe(true);
    expect(existsSync(`${archive}.tmp`)).toBe(false);
    expect(listing(archive)).toEqual(
      [
        keystone,
        path.join(keystone, 'keystone.conf'),
        nova,
        path.join(nova, 'api-paste.ini'),
        path.join(nova, 'nova.conf'),
        path.join(nova, 'rootwrap.d'),
        path.join(nova, 'rootwrap.d/compute.filters'),
        odd,
        path.join(odd, 'x $(id).conf'),
      ].sort(),
    );
    expect(listing(archive).some((p) => p.startsWith(heat))).toBe(false);
  });

  it('a single file can be kept as well as a folder', () => {
    const file = path.join(nova, 'nova.conf');
    expect(sh(configBackupCommand([file], archive)).status).toBe(0);
    expect(listing(archive)).toEqual([file]);
  });

  it('replaces an earlier archive of the same step', () => {
    expect(sh(configBackupCommand([nova], archive)).status).toBe(0);
    expect(sh(configBackupCommand([keystone], archive)).status).toBe(0);
    expect(listing(archive)).toEqual([keystone, path.join(keystone, 'keystone.conf')]);
  });

  it('a failing tar leaves no archive under the final name', () => {
    // tar made to fail (an option it does not know): `set -e` stops before the rename.
    mkdirSync(path.dirname(archive), { recursive: true });
    writeFileSync(`${archive}.tmp`, 'stale');
    const cmd = configBackupCommand([nova], archive).replaceAll('tar -C /', 'tar --no-such-option -C /');
    expect(sh(cmd).status).not.toBe(0);
    expect(existsSync(archive)).toBe(false);
  });

  it('succeeds when none of the paths exist (an empty archive)', () => {
    const r = sh(configBackupCommand([heat, path.join(root, 'etc/ceilometer')], archive));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(archive)).toBe(true);
    expect(listing(archive)).toEqual([]);
  });
});

describe('configRestoreCommand', () => {
  it('puts back the archived files, their contents and modes, over later edits and deletions', () => {
    expect(sh(configBackupCommand([nova, keystone, heat], archive)).status).toBe(0);

    writeFileSync(path.join(nova, 'nova.conf'), '[DEFAULT]\nrpc_backend = qpid\n');
    chmodSync(path.join(nova, 'nova.conf'), 0o600);
    rmSync(path.join(nova, 'api-paste.ini'));
    rmSync(keystone, { recursive: true });

    const r = sh(configRestoreCommand(archive));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(path.join(nova, 'nova.conf'), 'utf8')).toBe('[DEFAULT]\nrpc_backend = rabbit\n');
    expect(statSync(path.join(nova, 'nova.conf')).mode & 0o777).toBe(0o640);
    expect(readFileSync(path.join(nova, 'api-paste.ini'), 'utf8')).toBe('[pipeline:main]\n');
    expect(readFileSync(path.join(keystone, 'keystone.conf'), 'utf8')).toBe('[database]\n');
    // What was never archived is not created.
    expect(existsSync(heat)).toBe(false);
  });

  it('quotes the archive path', () => {
    expect(configRestoreCommand('/var/backups/stackhop/r 1/x.tgz')).toBe(
      "tar -C / -xzpf '/var/backups/stackhop/r 1/x.tgz'",
    );
  });

  it('a missing archive fails', () => {
    expect(sh(configRestoreCommand(path.join(dir, 'nope.tgz'))).status).not.toBe(0);
  });
});

describe('backup paths', () => {
  it('a run keeps its backups under /var/backups/stackhop/<run>', () => {
    expect(BACKUP_ROOT).toBe('/var/backups/stackhop');
    expect(backupDir('20140601-1200-abcd')).toBe('/var/backups/stackhop/20140601-1200-abcd');
    expect(fileBackupPath('r1', '/etc/nova/nova.conf')).toBe(
      '/var/backups/stackhop/r1/files/etc/nova/nova.conf',
    );
  });

  it.each(['', '..x/..', 'a/b', 'a b', 'r1;id', '$(id)', 'r1\n'])('refuses the run id %j', (id) => {
    expect(() => backupDir(id)).toThrow(/not a run id/);
  });

  it('a step id as a file name', () => {
    expect(fileNameOf('backup/ctl1/backup-config')).toBe('backup_ctl1_backup-config');
    expect(fileNameOf('pre/cmp[1]/x y')).toBe('pre_cmp_1_x_y');
    expect(fileNameOf('a//b')).toBe('a_b');
  });
});

describe('backups are root-only', () => {
  it('archives and their folders are created 0600 and 0700 whatever the umask', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stackhop-perm-'));
    try {
      const src = path.join(dir, 'etc/nova');
      mkdirSync(src, { recursive: true });
      writeFileSync(path.join(src, 'nova.conf'), 'rabbit_password = secret\n');
      const out = path.join(dir, 'backups/r1/config/a.tgz');
      const r = spawnSync('/bin/sh', ['-c', `umask 022; ${configBackupCommand([src], out)}`], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(out)).mode & 0o777).toBe(0o700);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
