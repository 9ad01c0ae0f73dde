// Database backup → mutate → restore on the machine's MariaDB (127.0.0.1:3306), driven the way a real
// run drives it: backupDatabase / restoreDatabase over the real SSH executor, on one host of the SSH
// test fleet (its mysql and mysqldump reach the machine's server over loopback TCP).

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackupError,
  backupDatabase,
  type DumpManifest,
  dumpFile,
  manifestFile,
  readManifest,
  restoreDatabase,
} from '../src/drivers/db/mysql-backup.js';
import type { MysqlCredentials } from '../src/drivers/db/mysql-credentials.js';
import type { ExecOptions, RemoteExecutor, WriteOptions } from '../src/drivers/ssh/executor.js';
import { SshPool } from '../src/drivers/ssh/pool.js';
import { DEFAULT_SSH_OPTIONS, type SshTarget } from '../src/drivers/ssh/target.js';
import { type Fleet, fleetAvailable, startFleet } from './fleet/fleet.js';
import { ensureMachineMariadb } from './support/machine-mariadb.js';

const run = promisify(execFile);

const HOST = 'db1';
const MY_CNF = '[client]\nhost=127.0.0.1\nport=3306\nuser=root\n';
const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
const DB = `stackhop_rt_${tag}`;
const DB_VERSIONED = `stackhop_rtsv_${tag}`;
const USER = `stackhop_rt_${tag}`;
// Every character the option file has to carry: quotes, a backslash, a comment sign, spaces.
const PASSWORD = `rt pw "q" 'a' \\ #x; ${tag}`;
const CREDENTIALS: MysqlCredentials = { user: USER, password: PASSWORD, host: '127.0.0.1', port: 3306 };

const MYSQL = [
  '--no-defaults',
  '--protocol=tcp',
  '-h127.0.0.1',
  '-P3306',
  '-uroot',
  '--default-character-set=utf8mb4',
];

/** SQL as root on the machine's server; tab-separated rows, no header. */
async function sql(statements: string, db?: string): Promise<string> {
  return (await run('mysql', [...MYSQL, '-N', '-B', ...(db !== undefined ? [db] : []), '-e', statements]))
    .stdout;
}

const sqlString = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
const ACCOUNT = `${sqlString(USER)}@'127.0.0.1'`;

const rows = (out: string) => out.split('\n').filter((l) => l !== '');

interface Snapshot {
  /** name:type of every table and view. */
  tables: string[];
  checksums: Record<string, string>;
  counts: Record<string, number>;
  routines: string[];
  triggers: string[];
  views: string[];
  /** The non-ASCII text itself, not only its checksum. */
  names: string[];
}

async function snapshot(db = DB): Promise<Snapshot> {
  const tables = rows(
    await sql(
      `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema='${db}' ORDER BY table_name`,
    ),
  ).map((l) => l.replace('\t', ':'));
  const base = tables.filter((t) => t.endsWith(':BASE TABLE')).map((t) => t.split(':')[0]!);
  const checksums: Record<string, string> = {};
  const counts: Record<string, number> = {};
  if (base.length > 0) {
    for (const l of rows(await sql(`CHECKSUM TABLE ${base.map((t) => `\`${db}\`.\`${t}\``).join(', ')}`))) {
      const [name, sum] = l.split('\t');
      checksums[name!] = sum!;
    }
    for (const t of base) counts[t] = Number(await sql(`SELECT COUNT(*) FROM \`${db}\`.\`${t}\``));
  }
  const routines = rows(
    await sql(
      `SELECT routine_name, routine_type, definer, routine_definition FROM information_schema.routines WHERE routine_schema='${db}' ORDER BY routine_name`,
    ),
  );
  const triggers = rows(
    await sql(
      `SELECT trigger_name, event_object_table, action_statement FROM information_schema.triggers WHERE trigger_schema='${db}' ORDER BY trigger_name`,
    ),
  );
  const views = rows(
    await sql(
      `SELECT table_name, view_definition FROM information_schema.views WHERE table_schema='${db}' ORDER BY table_name`,
    ),
  );
  const names = base.includes('instances')
    ? rows(await sql(`SELECT CONCAT(id, '=', HEX(name)) FROM \`${db}\`.instances ORDER BY id`))
    : [];
  return { tables, checksums, counts, routines, triggers, views, names };
}

/** A RemoteExecutor that records what the code under test asks of the real one. */
class Recording implements RemoteExecutor {
  readonly commands: string[] = [];
  readonly writes: { path: string; text: string; mode: number | undefined }[] = [];
  constructor(
    readonly inner: RemoteExecutor,
    readonly beforeExec: (command: string) => void = () => undefined,
  ) {}
  exec(host: string, command: string, opts?: ExecOptions) {
    this.commands.push(command);
    this.beforeExec(command);
    return this.inner.exec(host, command, opts);
  }
  readFile(host: string, p: string, signal?: AbortSignal) {
    return this.inner.readFile(host, p, signal);
  }
  writeFile(host: string, p: string, text: string, opts?: WriteOptions) {
    this.writes.push({ path: p, text, mode: opts?.mode });
    return this.inner.writeFile(host, p, text, opts);
  }
  async close() {}
}

async function rejection(p: Promise<unknown>): Promise<BackupError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BackupError) return err;
    throw err;
  }
  throw new Error('expected a BackupError');
}

describe('MySQL backup and restore over SSH', () => {
  let dir: string;
  let fleet: Fleet;
  let pool: SshPool;
  let sudoPool: SshPool;
  let original: Snapshot;
  let manifest: DumpManifest;

  /** The machine's path of a file on the fleet host (backups live in its own /var/backups/stackhop). */
  const onMachine = (hostPath: string) => path.join(fleet.host(HOST).root, hostPath);

  const newPool = (user: string) =>
    new SshPool(
      (name): SshTarget => ({
        name,
        address: fleet.host(name).address,
        port: fleet.host(name).port,
        user,
        identityFiles: [fleet.clientKeyPath],
      }),
      {
        ...DEFAULT_SSH_OPTIONS,
        connectTimeoutMs: 5000,
        knownHostsPath: fleet.knownHostsPath,
        acceptNewHostKeys: false,
        maxInFlight: 16,
      },
    );

  beforeAll(async () => {
    if (!fleetAvailable())
      throw new Error('the SSH test fleet needs root, sshd and sudo: run node scripts/fleet-deps.mjs');
    await ensureMachineMariadb();
    dir = mkdtempSync(path.join(tmpdir(), 'stackhop-mysql-rt-'));
    chmodSync(dir, 0o755);
    fleet = await startFleet({ dir, hosts: [HOST], firstAddress: '127.0.50.1' });
    pool = newPool('root');
    sudoPool = newPool(fleet.users.sudoer);
    await fleet.write(HOST, '/root/.my.cnf', MY_CNF);

    // The account exists first: the view, routines and trigger are defined by it, so that it can
    // restore them itself (a DEFINER other than yourself needs SET USER, which it does not have).
    await sql(
      `CREATE USER ${ACCOUNT} IDENTIFIED BY ${sqlString(PASSWORD)}; GRANT ALL ON \`${DB}\`.* TO ${ACCOUNT};`,
    );
    await sql(`CREATE DATABASE \`${DB}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await sql(
      `
      CREATE TABLE instances (
        id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        host VARCHAR(64) NULL,
        created_at DATETIME(6) NOT NULL,
        deleted TINYINT NOT NULL DEFAULT 0,
        KEY ix_host (host)
      ) ENGINE=InnoDB;
      CREATE TABLE block_device_mapping (
        id INT NOT NULL PRIMARY KEY,
        instance_id INT NOT NULL,
        device VARCHAR(32) NOT NULL,
        CONSTRAINT fk_bdm_instance FOREIGN KEY (instance_id) REFERENCES instances (id)
      ) ENGINE=InnoDB;
      CREATE TABLE notes (
        id INT NOT NULL PRIMARY KEY,
        body TEXT NULL,
        data BLOB NULL,
        amount DECIMAL(12,4) NULL,
        changed_by VARCHAR(64) NULL
      ) ENGINE=InnoDB;
      INSERT INTO instances (name, host, created_at) VALUES
        ('Zürich – 東京 – Ελλάδα', 'cmp1', '2014-04-17 10:00:00.123456'),
        ('snowman ☃ and rocket 🚀', 'cmp2', '2014-04-17 10:00:01'),
        ('O''Brien "quoted" back\\\\slash tab\\there', NULL, '2014-04-17 10:00:02'),
        ('line\\nbreak; DROP TABLE instances; --', 'cmp1', '2014-04-17 10:00:03');
      INSERT INTO block_device_mapping VALUES (1, 1, 'vda'), (2, 1, 'vdb'), (3, 2, 'vda');
      INSERT INTO notes (id, body, data, amount) VALUES
        (1, 'première note', X'00FF00FE0A0D5C27', 12.5),
        (2, REPEAT('lång text ', 2000), NULL, -0.0001),
        (3, NULL, X'', NULL),
        (4, 'ascii', X'DEADBEEF', 99999999.9999);
      CREATE DEFINER=${ACCOUNT} VIEW active_instances AS SELECT id, name, host FROM instances WHERE deleted = 0;
      CREATE DEFINER=${ACCOUNT} PROCEDURE count_on_host(IN h VARCHAR(64)) SELECT COUNT(*) FROM instances WHERE host = h;
      CREATE DEFINER=${ACCOUNT} FUNCTION doubled(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
      CREATE DEFINER=${ACCOUNT} TRIGGER notes_changed BEFORE INSERT ON notes FOR EACH ROW SET NEW.changed_by = COALESCE(NEW.changed_by, 'trigger');
      `,
      DB,
    );
    original = await snapshot();
  }, 120_000);

  afterAll(async () => {
    await sql(
      `DROP DATABASE IF EXISTS \`${DB}\`; DROP DATABASE IF EXISTS \`${DB_VERSIONED}\`; DROP USER IF EXISTS ${ACCOUNT};`,
    ).catch((err) => console.error(`cleanup of ${DB} / ${USER} failed:`, err));
    await pool?.close();
    await sudoPool?.close();
    await fleet?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('the test database is what the tests expect', () => {
    expect(original.tables).toEqual([
      'active_instances:VIEW',
      'block_device_mapping:BASE TABLE',
      'instances:BASE TABLE',
      'notes:BASE TABLE',
    ]);
    expect(original.counts).toEqual({ block_device_mapping: 3, instances: 4, notes: 4 });
    expect(original.routines.map((r) => r.split('\t').slice(0, 2).join(' '))).toEqual([
      'count_on_host PROCEDURE',
      'doubled FUNCTION',
    ]);
    expect(original.triggers).toHaveLength(1);
    expect(original.views).toHaveLength(1);
  });

  const backups = '/var/backups/stackhop/r20140601-120000-abcd';

  it('backs up: a complete dump whose manifest matches the file on the host', async () => {
    const lines: string[] = [];
    manifest = await backupDatabase(pool, HOST, backups, DB, { onLine: (s, l) => lines.push(`${s}:${l}`) });
    const file = dumpFile(backups, DB);
    expect(manifest).toMatchObject({ database: DB, file, tables: 3 });
    expect(manifest.bytes).toBeGreaterThan(0);

    const sum = await pool.exec(HOST, `sha256sum ${file}`);
    expect(sum.code).toBe(0);
    expect(sum.stdout.split(' ')[0]).toBe(manifest.sha256);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    const size = await pool.exec(HOST, `stat -c %s ${file}`);
    expect(Number(size.stdout)).toBe(manifest.bytes);
    expect(statSync(onMachine(file)).size).toBe(manifest.bytes);

    expect(await readManifest(pool, HOST, backups, DB)).toEqual(manifest);
    expect(statSync(onMachine(manifestFile(backups, DB))).mode & 0o777).toBe(0o600);
    expect(existsSync(onMachine(`${file}.tmp`))).toBe(false);

    // The dump itself: the routines, view and trigger are in it, the text is UTF-8 intact.
    const text = gunzipSync(readFileSync(onMachine(file))).toString('utf8');
    expect(text).toContain('Zürich – 東京 – Ελλάδα');
    expect(text).toContain('snowman ☃ and rocket 🚀');
    expect(text).toMatch(/PROCEDURE `count_on_host`/);
    expect(text).toMatch(/FUNCTION `doubled`/);
    expect(text).toMatch(/TRIGGER notes_changed/);
    expect(text).toMatch(/VIEW `active_instances`/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^-- Dump completed/);
    // Nothing on stderr (a mysqldump warning would show up here).
    expect(lines.filter((l) => l.startsWith('stderr:'))).toEqual([]);
  });

  it('restores: after rows deleted and changed, a table added and one dropped, everything is as it was', async () => {
    await sql(
      `
      DELETE FROM block_device_mapping WHERE instance_id = 1;
      DELETE FROM notes WHERE id > 1;
      UPDATE notes SET body = 'edited' WHERE id = 1;
      UPDATE instances SET name = 'renamed', deleted = 1 WHERE id = 2;
      INSERT INTO instances (name, created_at) VALUES ('new one', NOW());
      CREATE TABLE added_by_icehouse (id INT PRIMARY KEY) ENGINE=InnoDB;
      DROP TABLE block_device_mapping;
      DROP PROCEDURE count_on_host;
      DROP TRIGGER notes_changed;
      CREATE OR REPLACE DEFINER=${ACCOUNT} VIEW active_instances AS SELECT id FROM instances;
      `,
      DB,
    );
    const mutated = await snapshot();
    expect(mutated.tables).toContain('added_by_icehouse:BASE TABLE');
    expect(mutated.tables).not.toContain('block_device_mapping:BASE TABLE');
    expect(mutated.checksums).not.toEqual(original.checksums);

    await restoreDatabase(pool, HOST, manifest);
    expect(await snapshot()).toEqual(original);
    // The trigger works again.
    await sql(`INSERT INTO notes (id) VALUES (5)`, DB);
    expect(await sql(`SELECT changed_by FROM notes WHERE id = 5`, DB)).toBe('trigger\n');
    await sql(`DELETE FROM notes WHERE id = 5`, DB);
    expect(await snapshot()).toEqual(original);
  });

  it('refuses to restore a dump changed since the backup, and leaves the database alone', async () => {
    const corrupt = '/var/backups/stackhop/r20140601-120000-c0de';
    const m = await backupDatabase(pool, HOST, corrupt, DB);
    expect((await pool.exec(HOST, `printf 'DROP TABLE instances;\\n' | gzip -c >> ${m.file}`)).code).toBe(0);
    await sql(`INSERT INTO instances (name, created_at) VALUES ('marker', NOW())`, DB);

    const err = await rejection(restoreDatabase(pool, HOST, m));
    expect(err.message).toMatch(/restore failed/);
    expect(err.host).toBe(HOST);
    expect(err.database).toBe(DB);
    expect(err.detail.exitCode).not.toBe(0);
    expect(err.detail.stderrTail).toMatch(/checksum did NOT match/);
    expect(rows(await sql(`SELECT name FROM instances WHERE name = 'marker'`, DB))).toEqual(['marker']);
    expect((await snapshot()).counts.instances).toBe(original.counts.instances! + 1);

    // A truncated dump too.
    expect(
      (await pool.exec(HOST, `head -c 100 ${m.file} > ${m.file}.cut && mv ${m.file}.cut ${m.file}`)).code,
    ).toBe(0);
    const cut = await rejection(restoreDatabase(pool, HOST, m));
    expect(cut.detail.stderrTail).toMatch(/checksum did NOT match/);

    await restoreDatabase(pool, HOST, manifest);
    expect(await snapshot()).toEqual(original);
  });

  it('a failing mysqldump fails the backup with its exit code and the tail of its stderr', async () => {
    const missing = `${DB}_missing`;
    const err = await rejection(backupDatabase(pool, HOST, backups, missing));
    expect(err.message).toBe(`${HOST}: backup of ${missing}: mysqldump failed (exit 2)`);
    expect(err.detail.exitCode).toBe(2);
    expect(err.detail.stderrTail).toMatch(/Unknown database/);
    expect(err.detail.stderrTail).toContain(missing);
    expect(err.detail.command).toContain('mysqldump');
    expect(existsSync(onMachine(dumpFile(backups, missing)))).toBe(false);
    expect(await readManifest(pool, HOST, backups, missing)).toBeUndefined();
  });

  describe('with credentials (and no /root/.my.cnf on the host)', () => {
    const credDir = '/var/backups/stackhop/r20140601-120000-beef';
    const optionFile = `${credDir}/.stackhop-my.cnf`;

    beforeAll(async () => {
      expect((await pool.exec(HOST, 'rm -f /root/.my.cnf')).code).toBe(0);
    });
    afterAll(async () => {
      await fleet?.write(HOST, '/root/.my.cnf', MY_CNF);
    });

    /** Records, at each mysql/mysqldump command, the option file's mode on the host. */
    function recording(exec: RemoteExecutor) {
      const modes: (number | undefined)[] = [];
      const r = new Recording(exec, (command) => {
        if (/mysqldump|mysql /.test(command)) {
          const f = onMachine(optionFile);
          modes.push(existsSync(f) ? statSync(f).mode & 0o777 : undefined);
        }
      });
      return { r, modes };
    }

    it('wrong credentials: the server refuses that user, and the option file is gone afterwards', async () => {
      const { r } = recording(pool);
      const err = await rejection(
        backupDatabase(r, HOST, credDir, DB, {
          credentials: { ...CREDENTIALS, password: 'not-the-password' },
        }),
      );
      expect(err.detail.stderrTail).toMatch(new RegExp(`Access denied for user '${USER}'@'127.0.0.1'`));
      expect(err.detail.stderrTail).not.toContain('not-the-password');
      expect(err.detail.command).not.toContain('not-the-password');
      expect(r.writes.map((w) => w.path)).toEqual([optionFile]);
      expect(existsSync(onMachine(optionFile))).toBe(false);
    });

    it('backs up and restores through a 0600 option file that is removed afterwards', async () => {
      const { r, modes } = recording(pool);
      const m = await backupDatabase(r, HOST, credDir, DB, { credentials: CREDENTIALS });
      expect(m).toMatchObject({ database: DB, tables: 3 });
      expect(m.bytes).toBeGreaterThan(0);

      // Uploaded with mode 0600, present while mysqldump and mysql ran, gone afterwards.
      const upload = r.writes.find((w) => w.path === optionFile);
      expect(upload?.mode).toBe(0o600);
      expect(upload?.text).toContain(`user="${USER}"`);
      expect(modes.length).toBeGreaterThanOrEqual(2);
      expect(modes.every((mode) => mode === 0o600)).toBe(true);
      expect(existsSync(onMachine(optionFile))).toBe(false);
      expect((await pool.exec(HOST, `test -e ${optionFile}`)).code).not.toBe(0);
      expect(statSync(onMachine(credDir)).mode & 0o777).toBe(0o700);
      // The password is never on a command line.
      expect(r.commands.some((c) => c.includes(PASSWORD) || c.includes('rt pw'))).toBe(false);
      expect(r.commands.some((c) => c.includes(`--defaults-file=${optionFile}`))).toBe(true);

      await sql(
        `DELETE FROM notes; DROP VIEW active_instances; CREATE TABLE extra (id INT) ENGINE=InnoDB;`,
        DB,
      );
      const restoring = recording(pool);
      await restoreDatabase(restoring.r, HOST, m, { credentials: CREDENTIALS });
      expect(restoring.modes).toEqual([0o600]);
      expect(existsSync(onMachine(optionFile))).toBe(false);
      expect(await snapshot()).toEqual(original);
    });

    it('the same through sudo, as a non-root SSH user', async () => {
      const sudoDir = '/var/backups/stackhop/r20140601-120000-5d00';
      const { r, modes } = recording(sudoPool);
      const m = await backupDatabase(r, HOST, sudoDir, DB, { credentials: CREDENTIALS });
      expect(m.tables).toBe(3);
      expect(modes.every((mode) => mode === undefined || mode === 0o600)).toBe(true);
      expect(existsSync(onMachine(`${sudoDir}/.stackhop-my.cnf`))).toBe(false);
      expect(statSync(onMachine(m.file)).uid).toBe(0);

      await sql(`UPDATE instances SET name = 'x'`, DB);
      await restoreDatabase(sudoPool, HOST, m, { credentials: CREDENTIALS });
      expect(existsSync(onMachine(`${sudoDir}/.stackhop-my.cnf`))).toBe(false);
      expect(await snapshot()).toEqual(original);
    });
  });

  // MariaDB reports a system-versioned table as table_type 'SYSTEM VERSIONED', not 'BASE TABLE', while
  // its dump holds a plain `CREATE TABLE`: the live count must include them.
  it('a database with a system-versioned table backs up (MariaDB)', async () => {
    await sql(
      `CREATE DATABASE \`${DB_VERSIONED}\`; CREATE TABLE \`${DB_VERSIONED}\`.plain (id INT PRIMARY KEY) ENGINE=InnoDB;
       CREATE TABLE \`${DB_VERSIONED}\`.audit (id INT PRIMARY KEY) WITH SYSTEM VERSIONING;`,
    );
    const m = await backupDatabase(pool, HOST, backups, DB_VERSIONED);
    expect(m.tables).toBe(2);
  });
});
