// The stackhop test fleet's fake OpenStack-side programs. Each executable beside lib/ is a two-line sh
// wrapper that runs `node lib/shim.mjs NAME ARGS...`; this file holds the logic of every shim. The
// contract (what each command accepts, prints and changes) is in test/fleet/README.md.
//
// State lives under /var/lib/stackhop-fake/ (the host's own folder, bind-mounted by the fleet), one
// file per item so that concurrent calls on one host never clobber each other:
//   services/UNIT        running | stopped
//   packages/NAME        installed version
//   schema/PROJECT       current schema head
//   repo                 enabled (seeded / yum-enabled) release
//   available            apt's available release (set by `apt-get update`)
//   versions.json        { release: { apt, yum } }, releases in ascending order
//   heads.json           { release: { project: head } }
//   project-package.json { project: package }
//   calls.jsonl          one JSON line per call: { t, argv, user, exit[, as][, fault] }
//   fault.json           an injected fault (see README)
// STACKHOP_FAKE_ROOT (default '') prefixes every path, to run a shim outside a fleet host.
//
// To add a command: write a handler below (args) => exit code, add it to `handlers`, and copy one of
// the wrappers beside lib/ under the new name.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { constants, userInfo } from 'node:os';

const ROOT = process.env.STACKHOP_FAKE_ROOT ?? '';
const STATE = `${ROOT}/var/lib/stackhop-fake`;
const APT_SOURCES = `${ROOT}/etc/apt/sources.list.d`;
const YUM_REPOS = `${ROOT}/etc/yum.repos.d`;

const out = (s) => process.stdout.write(s);
const err = (s) => process.stderr.write(s);
const isRoot = () => process.geteuid?.() === 0;

function readText(p) {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}
function readJson(p, fallback) {
  const t = readText(p);
  if (t === undefined) return fallback;
  try {
    return JSON.parse(t);
  } catch {
    return fallback;
  }
}
// Atomic replace: a concurrent reader sees the old or the new content, never half of it.
function writeAtomic(p, text) {
  mkdirSync(p.slice(0, p.lastIndexOf('/')), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, p);
}
const item = (dir, name) => readText(`${STATE}/${dir}/${name}`)?.trim();
const setItem = (dir, name, value) => writeAtomic(`${STATE}/${dir}/${name}`, `${value}\n`);
const validName = (n) => typeof n === 'string' && n.length > 0 && !n.includes('/') && n !== '.' && n !== '..';

// ---------- the shared model: releases, versions, installed packages ----------
const versions = () => readJson(`${STATE}/versions.json`, {});
const releases = () => Object.keys(versions());
const releaseIndex = (rel) => releases().indexOf(rel);
function installed() {
  const dir = `${STATE}/packages`;
  if (!existsSync(dir)) return {};
  const res = {};
  for (const n of readdirSync(dir).sort()) {
    if (n.endsWith('.tmp')) continue;
    const v = item('packages', n);
    if (v !== undefined) res[n] = v;
  }
  return res;
}
// The release whose apt or yum version is `version`, or undefined.
function releaseOf(version) {
  if (version === undefined) return undefined;
  for (const [rel, v] of Object.entries(versions())) if (v.apt === version || v.yum === version) return rel;
  return undefined;
}
// Whether moving a package from `current` to release `rel` is an upgrade (unknown current: yes).
function isUpgrade(current, rel) {
  const from = releaseOf(current);
  return from === undefined
    ? current !== versions()[rel]?.apt && current !== versions()[rel]?.yum
    : releaseIndex(rel) > releaseIndex(from);
}

// ---------- service ----------
function service(args) {
  const [unit, action] = args;
  if (unit === undefined || action === undefined) {
    err('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n');
    return 1;
  }
  const state = validName(unit) ? item('services', unit) : undefined;
  if (state === undefined) {
    err(`${unit}: unrecognized service\n`);
    return 1;
  }
  const running = state === 'running';
  if (['start', 'stop', 'restart'].includes(action) && !isRoot()) {
    err(
      `${action}: Rejected send message, 1 matched rules; type="method_call", sender=":1.0" (uid=${process.geteuid?.()})\n`,
    );
    return 1;
  }
  switch (action) {
    case 'start':
      if (running) {
        err(`start: Job is already running: ${unit}\n`);
        return 1;
      }
      setItem('services', unit, 'running');
      out(`${unit} start/running, process ${fakePid(unit)}\n`);
      return 0;
    case 'stop':
      if (!running) {
        err('stop: Unknown instance: \n');
        return 1;
      }
      setItem('services', unit, 'stopped');
      out(`${unit} stop/waiting\n`);
      return 0;
    case 'restart':
      setItem('services', unit, 'running');
      out(`${unit} start/running, process ${fakePid(unit)}\n`);
      return 0;
    case 'status':
      if (running) {
        out(`${unit} start/running, process ${fakePid(unit)}\n`);
        return 0;
      }
      out(`${unit} stop/waiting\n`);
      return 3;
    default:
      err(`${unit}: unknown action ${action}\n`);
      return 1;
  }
}
// A stable pid for a running unit that changes when it is (re)started: derived from the state file's mtime.
function fakePid(unit) {
  const ms = statSync(`${STATE}/services/${unit}`).mtimeMs;
  return 1000 + (Math.floor(ms * 1000) % 30000);
}

// ---------- apt ----------
function addAptRepository(args) {
  let remove = false;
  const repos = [];
  for (const a of args) {
    if (a === '-r' || a === '--remove') remove = true;
    else if (!a.startsWith('-')) repos.push(a);
  }
  if (!isRoot()) {
    err('Error: must run as root\n');
    return 1;
  }
  if (repos.length !== 1) {
    err('Error: need a single repository as argument\n');
    return 1;
  }
  const m = /^cloud-archive:([A-Za-z0-9.]+)$/.exec(repos[0]);
  if (!m) return 0; // a PPA or a deb line: accepted, changes nothing the fake models
  const rel = m[1];
  const file = `${APT_SOURCES}/cloudarchive-${rel}.list`;
  if (remove) rmSync(file, { force: true });
  else
    writeAtomic(file, `deb http://ubuntu-cloud.archive.canonical.com/ubuntu precise-updates/${rel} main\n`);
  return 0;
}

// Splits apt-get/yum style argv into options and words; `takesValue` options consume the next argument.
function splitArgs(args, takesValue) {
  const opts = [];
  const words = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('-') && a.length > 1) {
      opts.push(a);
      if (takesValue.includes(a) && i + 1 < args.length) opts.push(args[++i]);
    } else words.push(a);
  }
  return { opts, words };
}

function aptGet(args) {
  const { opts, words } = splitArgs(args, [
    '-o',
    '--option',
    '-t',
    '--target-release',
    '-c',
    '--config-file',
  ]);
  const [command, ...pkgs] = words;
  const mutating = ['update', 'install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'remove', 'purge'];
  if (mutating.includes(command) && !isRoot()) {
    if (command === 'update')
      err('E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\n');
    else
      err(
        'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n' +
          'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n',
      );
    return 100;
  }
  const available = () => item('', 'available') ?? item('', 'repo');
  const report = (upgraded, fresh) =>
    out(`${upgraded} upgraded, ${fresh} newly installed, 0 to remove and 0 not upgraded.\n`);
  switch (command) {
    case 'update': {
      let best;
      const files = existsSync(APT_SOURCES) ? readdirSync(APT_SOURCES) : [];
      for (const f of files) {
        const m = /^cloudarchive-(.+)\.list$/.exec(f);
        if (m && releaseIndex(m[1]) >= 0 && (best === undefined || releaseIndex(m[1]) > releaseIndex(best)))
          best = m[1];
      }
      const rel = best ?? item('', 'repo');
      if (rel !== undefined) setItem('', 'available', rel);
      else rmSync(`${STATE}/available`, { force: true });
      out('Reading package lists... Done\n');
      return 0;
    }
    case 'install': {
      const onlyUpgrade = opts.includes('--only-upgrade');
      const rel = available();
      const target = versions()[rel ?? '']?.apt;
      const have = installed();
      let upgraded = 0;
      let fresh = 0;
      for (const spec of pkgs) {
        const [name, pinned] = spec.split('=', 2);
        const current = have[name];
        if (current === undefined && onlyUpgrade) {
          out(`Skipping ${name}, it is not installed and only upgrades are requested.\n`);
          continue;
        }
        const want = pinned ?? target;
        if (want === undefined) {
          err(`E: Unable to locate package ${name}\n`);
          return 100;
        }
        if (
          current !== undefined &&
          (current === want || (pinned === undefined && !isUpgrade(current, rel)))
        ) {
          out(`${name} is already the newest version (${current}).\n`);
          continue;
        }
        setItem('packages', name, want);
        out(`Setting up ${name} (${want}) ...\n`);
        if (current === undefined) fresh++;
        else upgraded++;
      }
      report(upgraded, fresh);
      return 0;
    }
    case 'upgrade':
    case 'dist-upgrade':
    case 'full-upgrade': {
      const rel = available();
      const target = versions()[rel ?? '']?.apt;
      let upgraded = 0;
      if (target !== undefined) {
        for (const [name, current] of Object.entries(installed())) {
          if (current === target || !isUpgrade(current, rel)) continue;
          setItem('packages', name, target);
          out(`Setting up ${name} (${target}) ...\n`);
          upgraded++;
        }
      }
      report(upgraded, 0);
      return 0;
    }
    case 'remove':
    case 'purge':
      for (const name of pkgs) if (validName(name)) rmSync(`${STATE}/packages/${name}`, { force: true });
      return 0;
    default:
      return 0;
  }
}

function expandEscapes(s) {
  return s.replace(/\\(.)/g, (_, c) => ({ n: '\n', t: '\t', '\\': '\\' })[c] ?? `\\${c}`);
}
function globToRegExp(g) {
  return new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function dpkgQuery(args) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg's own format syntax
  let format = '${binary:Package}\t${Version}\n';
  let mode;
  const pkgs = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-W' || a === '--show') mode = 'show';
    else if (a === '-s' || a === '--status') mode = 'status';
    else if (a === '-f' || a === '--showformat') format = args[++i] ?? '';
    else if (a.startsWith('-f=') || a.startsWith('--showformat=')) format = a.slice(a.indexOf('=') + 1);
    else if (a.startsWith('-f')) format = a.slice(2);
    else if (a.startsWith('-')) continue;
    else pkgs.push(a);
  }
  if (mode === undefined) {
    err('dpkg-query: the stackhop fleet shim supports only -W/--show and -s/--status\n');
    return 2;
  }
  const have = installed();
  let code = 0;
  for (const p of pkgs) {
    const names = /[*?]/.test(p) ? Object.keys(have).filter((n) => globToRegExp(p).test(n)) : [p];
    const found = names.filter((n) => have[n] !== undefined);
    if (found.length === 0) {
      err(`dpkg-query: no packages found matching ${p}\n`);
      code = 1;
      continue;
    }
    for (const n of found) {
      if (mode === 'status') {
        out(`Package: ${n}\nStatus: install ok installed\nArchitecture: all\nVersion: ${have[n]}\n\n`);
        continue;
      }
      const fields = {
        Package: n,
        'binary:Package': n,
        Version: have[n],
        'db:Status-Abbrev': 'ii ',
        'db:Status-Status': 'installed',
        Status: 'install ok installed',
        Architecture: 'all',
      };
      out(expandEscapes(format).replace(/\$\{([^};]+)(?:;-?\d+)?\}/g, (_, f) => fields[f] ?? ''));
    }
  }
  return code;
}

// ---------- yum / rpm ----------
function enableRdo(rel) {
  setItem('', 'repo', rel);
  writeAtomic(
    `${YUM_REPOS}/rdo-release.repo`,
    `[openstack-${rel}]\nname=OpenStack ${rel} Repository\n` +
      `baseurl=http://repos.fedorapeople.org/repos/openstack/openstack-${rel}/epel-6/\nenabled=1\ngpgcheck=0\n`,
  );
}

function yum(args) {
  const { words } = splitArgs(args, [
    '-d',
    '-e',
    '-c',
    '-x',
    '-R',
    '--setopt',
    '--enablerepo',
    '--disablerepo',
  ]);
  const [command, ...pkgs] = words;
  const mutating = ['install', 'erase', 'remove', 'upgrade', 'update', 'reinstall', 'downgrade'];
  if (mutating.includes(command) && !isRoot()) {
    err('You need to be root to perform this command.\n');
    return 1;
  }
  const rel = item('', 'repo');
  const target = versions()[rel ?? '']?.yum;
  switch (command) {
    case 'makecache':
      out('Metadata Cache Created\n');
      return 0;
    case 'erase':
    case 'remove':
      for (const p of pkgs) {
        const m = /rdo-release(?:-([A-Za-z0-9.]+))?/.exec(p);
        if (m) {
          if (m[1] === undefined || m[1] === rel) {
            rmSync(`${STATE}/repo`, { force: true });
            rmSync(`${YUM_REPOS}/rdo-release.repo`, { force: true });
            out(`Erasing    : ${p}\n`);
          } else out(`No Match for argument: ${p}\n`);
        } else if (validName(p) && item('packages', p) !== undefined) {
          rmSync(`${STATE}/packages/${p}`, { force: true });
          out(`Erasing    : ${p}\n`);
        } else out(`No Match for argument: ${p}\n`);
      }
      return 0;
    case 'install': {
      for (const p of pkgs) {
        const m = /rdo-release-([A-Za-z0-9]+)/.exec(p);
        if (m) {
          enableRdo(m[1]);
          out(`Installed: rdo-release-${m[1]}\n`);
          continue;
        }
        const current = validName(p) ? item('packages', p) : undefined;
        if (current !== undefined) {
          out(`Package ${p}-${current} already installed and latest version\n`);
          continue;
        }
        if (target === undefined || !validName(p)) {
          out(`No package ${p} available.\n`);
          err('Error: Nothing to do\n');
          return 1;
        }
        setItem('packages', p, target);
        out(`Installed: ${p}-${target}\n`);
      }
      return 0;
    }
    case 'upgrade':
    case 'update': {
      const have = installed();
      const names = pkgs.length > 0 ? pkgs : Object.keys(have);
      let n = 0;
      for (const p of names) {
        const current = have[p];
        if (current === undefined) {
          out(`Package(s) ${p} available, but not installed.\n`);
          continue;
        }
        if (target === undefined || current === target || !isUpgrade(current, rel)) continue;
        setItem('packages', p, target);
        out(`Updated: ${p}-${target}\n`);
        n++;
      }
      if (n === 0) out('No Packages marked for Update\n');
      return 0;
    }
    default:
      return 0;
  }
}

function rpm(args) {
  let query = false;
  let all = false;
  let format = '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n';
  const pkgs = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--qf' || a === '--queryformat') format = args[++i] ?? '';
    else if (a.startsWith('--qf=') || a.startsWith('--queryformat=')) format = a.slice(a.indexOf('=') + 1);
    else if (a === '--query' || a === '--all') {
      if (a === '--all') all = true;
      query = true;
    } else if (/^-[a-zA-Z]+$/.test(a)) {
      if (a.includes('q')) query = true;
      if (a.includes('a')) all = true;
    } else if (!a.startsWith('-')) pkgs.push(a);
  }
  if (!query) return 0;
  const have = installed();
  const show = (n) => {
    const v = have[n];
    const cut = v.lastIndexOf('-');
    const fields = {
      NAME: n,
      VERSION: cut < 0 ? v : v.slice(0, cut),
      RELEASE: cut < 0 ? '' : v.slice(cut + 1),
      ARCH: 'noarch',
      EPOCH: '(none)',
    };
    out(expandEscapes(format).replace(/%\{([A-Za-z]+)\}/g, (_, f) => fields[f.toUpperCase()] ?? '(none)'));
  };
  if (all) {
    for (const n of Object.keys(have)) show(n);
    return 0;
  }
  let code = 0;
  for (const p of pkgs) {
    if (have[p] === undefined) {
      out(`package ${p} is not installed\n`);
      code = 1;
    } else show(p);
  }
  return code;
}

// ---------- schema tools ----------
// The head of `project` at the release its package is installed at, or an error message.
function installedHead(project) {
  const pkg = readJson(`${STATE}/project-package.json`, {})[project];
  if (pkg === undefined) return { error: `stackhop-fake: no package is seeded for project ${project}` };
  const version = item('packages', pkg);
  if (version === undefined) return { error: `stackhop-fake: package ${pkg} (${project}) is not installed` };
  const rel = releaseOf(version);
  if (rel === undefined) return { error: `stackhop-fake: version ${version} of ${pkg} is no seeded release` };
  const head = readJson(`${STATE}/heads.json`, {})[rel]?.[project];
  if (head === undefined) return { error: `stackhop-fake: no ${project} schema head seeded for ${rel}` };
  return { head };
}
function dbSync(project) {
  const r = installedHead(project);
  if (r.error) {
    err(`${r.error}\n`);
    return 1;
  }
  setItem('schema', project, r.head);
  return 0;
}
function dbVersion(project) {
  out(`${item('schema', project) ?? '0'}\n`);
  return 0;
}
const dbTool = (project, table) => (args) => {
  const key = args.filter((a) => !a.startsWith('-')).join(' ');
  for (const [k, fn] of Object.entries(table)) if (key === k || key.startsWith(`${k} `)) return fn(project);
  return 0;
};
const SYNC = (p) => dbSync(p);
const VERSION = (p) => dbVersion(p);
const NOOP = () => 0;

function neutronDbManage(args) {
  const words = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--config-file' || a === '--config-dir') i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  const [command, rev] = words;
  switch (command) {
    case 'upgrade':
      if (rev === undefined || rev === 'head' || rev === 'heads') return dbSync('neutron');
      setItem('schema', 'neutron', rev);
      return 0;
    case 'stamp': {
      if (rev === undefined) {
        err('neutron-db-manage stamp: error: too few arguments\n');
        return 2;
      }
      const r = rev === 'head' || rev === 'heads' ? installedHead('neutron') : { head: rev };
      if (r.error) {
        err(`${r.error}\n`);
        return 1;
      }
      setItem('schema', 'neutron', r.head);
      return 0;
    }
    case 'current': {
      const cur = item('schema', 'neutron');
      if (cur === undefined) return 0;
      out(cur === installedHead('neutron').head ? `${cur} (head)\n` : `${cur}\n`);
      return 0;
    }
    default:
      return 0;
  }
}

// ---------- su ----------
// `su [-] [-l] [-m|-p] [-s SHELL] [-c CMD] USER`: runs `SHELL -c CMD` (default /bin/sh) as the CURRENT user.
function su(args, call) {
  let shell = '/bin/sh';
  let cmd;
  let user;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-s' || a === '--shell') shell = args[++i] ?? shell;
    else if (a === '-c' || a === '--command') cmd = args[++i];
    else if (a.startsWith('--shell=')) shell = a.slice(8);
    else if (a.startsWith('--command=')) cmd = a.slice(10);
    else if (a.startsWith('-')) continue;
    else if (user === undefined) user = a;
  }
  call.as = user ?? 'root';
  const r = spawnSync(shell, cmd === undefined ? [] : ['-c', cmd], { stdio: 'inherit' });
  if (r.error) {
    err(`su: failed to execute ${shell}: ${r.error.message}\n`);
    return 126;
  }
  return r.status ?? 128 + (constants.signals[r.signal] ?? 0);
}

const handlers = {
  service,
  'add-apt-repository': addAptRepository,
  'apt-get': aptGet,
  'dpkg-query': dpkgQuery,
  yum,
  rpm,
  'nova-manage': dbTool('nova', { 'db sync': SYNC, 'db version': VERSION }),
  'keystone-manage': dbTool('keystone', { db_sync: SYNC, db_version: VERSION, token_flush: NOOP }),
  'glance-manage': dbTool('glance', {
    db_sync: SYNC,
    'db sync': SYNC,
    db_version: VERSION,
    'db version': VERSION,
    db_load_metadefs: NOOP,
  }),
  'cinder-manage': dbTool('cinder', { 'db sync': SYNC, 'db version': VERSION }),
  'heat-manage': dbTool('heat', { db_sync: SYNC, db_version: VERSION }),
  'ceilometer-dbsync': () => dbSync('ceilometer'),
  'neutron-db-manage': neutronDbManage,
  su,
};

// ---------- the common part: fault injection and the call record ----------
function userName() {
  try {
    return userInfo().username;
  } catch {
    return String(process.geteuid?.());
  }
}

function record(call) {
  try {
    appendFileSync(`${STATE}/calls.jsonl`, `${JSON.stringify(call)}\n`);
  } catch (e) {
    err(`stackhop-fake: cannot record the call: ${e.message}\n`);
  }
}

async function main() {
  process.umask(0);
  const [name, ...args] = process.argv.slice(2);
  const call = { t: Date.now(), argv: [name, ...args], user: userName(), exit: 0 };
  const fault = readJson(`${STATE}/fault.json`, undefined);
  if (fault && fault.command === name && call.argv.join(' ').includes(fault.match ?? '')) {
    if (fault.once) rmSync(`${STATE}/fault.json`, { force: true });
    if (fault.sleepSeconds) await new Promise((r) => setTimeout(r, fault.sleepSeconds * 1000));
    if (fault.exit !== undefined) {
      if (fault.stderr) err(fault.stderr.endsWith('\n') ? fault.stderr : `${fault.stderr}\n`);
      record({ ...call, exit: fault.exit, fault: true });
      process.exitCode = fault.exit;
      return;
    }
    call.fault = true;
  }
  const handler = handlers[name];
  let code;
  try {
    code = handler ? handler(args, call) : 0;
  } catch (e) {
    err(`stackhop-fake ${name}: ${e.stack ?? e}\n`);
    code = 70;
  }
  call.exit = code;
  record(call);
  process.exitCode = code;
}

await main();
