#!/usr/bin/python3
"""REST side of the stackhop lab (stdlib only): catalog, waits, flavor, servers, reset, smoke checks.

Credentials come from the environment (the lab's openrc): OS_AUTH_URL, OS_USERNAME, OS_PASSWORD,
OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME. Nothing secret is printed.

    labapi.py catalog                      services, endpoints, project service, users nova/placement
    labapi.py wait-services HOST...        nova-conductor/scheduler on lab-ctl and nova-compute on each
                                           HOST up in os-services (and enabled computes if --enabled)
    labapi.py flavor                       flavor lab-fake (1 vCPU, 512 MB, 1 GB)
    labapi.py servers HOST...              N servers per compute, pinned (2.74 host), all ACTIVE
    labapi.py enable-computes HOST...      PUT /os-services/enable (2.1 form) for each
    labapi.py rehome HOST...               reset: every lab server back ACTIVE on its home compute
    labapi.py smoke HOST...                the smoke checks; exit 1 on a failure
    labapi.py info                         the compute API's microversion range
    labapi.py lab-json FILE                writes lab.json (no secrets)
"""

import argparse
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request

FLAVOR = {'name': 'lab-fake', 'vcpus': 1, 'ram': 512, 'disk': 1}
IMAGE_ID = os.environ.get('LAB_STUB_IMAGE_ID', '6b1c1d9e-3c55-4c5e-9a4e-0c0ffee00001')
SPC = int(os.environ.get('LAB_SPC', '1'))
CTL = 'lab-ctl'


def log(msg):
    print(f'[lab {time.strftime("%H:%M:%S")}] {msg}', file=sys.stderr, flush=True)


class ApiError(Exception):
    def __init__(self, method, url, code, body):
        super().__init__(f'{method} {url} -> HTTP {code}: {body[:400]}')
        self.code = code
        self.body = body


class Cloud:
    def __init__(self):
        e = os.environ
        self.auth_url = e['OS_AUTH_URL'].rstrip('/')
        self.region = e.get('OS_REGION_NAME', 'RegionOne')
        self.creds = (e['OS_USERNAME'], e['OS_PASSWORD'], e.get('OS_PROJECT_NAME', 'admin'),
                      e.get('OS_USER_DOMAIN_NAME', 'Default'), e.get('OS_PROJECT_DOMAIN_NAME', 'Default'))
        self.token = None
        self.catalog = []
        self.expires = 0

    # ---- HTTP ----
    def raw(self, method, url, body=None, headers=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        h = {'Accept': 'application/json'}
        if data is not None:
            h['Content-Type'] = 'application/json'
        h.update(headers or {})
        req = urllib.request.Request(url, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                text = r.read().decode()
                return r.status, dict(r.headers), (json.loads(text) if text.strip() else None)
        except urllib.error.HTTPError as err:
            text = err.read().decode(errors='replace')
            raise ApiError(method, url, err.code, text) from None

    def authenticate(self, user=None, password=None, project=None):
        u, p, proj, udom, pdom = self.creds
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': user or u, 'domain': {'name': udom}, 'password': password or p}}},
            'scope': {'project': {'name': project or proj, 'domain': {'name': pdom}}}}}
        _, h, b = self.raw('POST', self.auth_url + '/auth/tokens', body)
        return h.get('X-Subject-Token') or h.get('x-subject-token'), b['token']

    def login(self):
        self.token, tok = self.authenticate()
        self.catalog = tok.get('catalog', [])
        self.expires = time.time() + 1800
        return tok

    def endpoint(self, stype, interface='public'):
        for s in self.catalog:
            if s['type'] == stype:
                for ep in s['endpoints']:
                    if ep['interface'] == interface and ep.get('region_id', ep.get('region')) == self.region:
                        return ep['url'].rstrip('/')
        raise RuntimeError(f'no {interface} {stype} endpoint in the catalog')

    def call(self, method, url, body=None, mv=None, ok=(200, 201, 202, 204), timeout=60):
        if self.token is None or time.time() > self.expires:
            self.login()
        h = {'X-Auth-Token': self.token}
        if mv:
            h['OpenStack-API-Version'] = f'compute {mv}'
            h['X-OpenStack-Nova-API-Version'] = mv
        for attempt in range(2):
            try:
                code, _, b = self.raw(method, url, body, h, timeout)
                return b
            except ApiError as err:
                if err.code == 401 and attempt == 0:
                    self.login()
                    h['X-Auth-Token'] = self.token
                    continue
                raise
        return None

    def ks(self, method, path, body=None):
        return self.call(method, self.auth_url + path, body)

    def nova(self, method, path, body=None, mv=None, timeout=60):
        if self.token is None:
            self.login()
        return self.call(method, self.endpoint('compute') + path, body, mv=mv, timeout=timeout)

    # ---- nova helpers ----
    def services(self, binary=None):
        q = f'?binary={binary}' if binary else ''
        return self.nova('GET', '/os-services' + q)['services']

    def all_servers(self):
        return self.nova('GET', '/servers/detail?all_tenants=1')['servers']

    def lab_servers(self):
        out = self.nova('GET', '/servers/detail?all_tenants=1&limit=1000', mv='2.74')['servers']
        return [s for s in out if s['name'].startswith('lab-vm-')]

    def server(self, sid):
        return self.nova('GET', f'/servers/{sid}', mv='2.74')['server']

    def flavor_id(self):
        for f in self.nova('GET', '/flavors/detail?is_public=None')['flavors']:
            if f['name'] == FLAVOR['name']:
                return f['id']
        return None

    def last_migration(self, sid):
        ms = self.nova('GET', f'/os-migrations?instance_uuid={sid}&migration_type=live-migration',
                       mv='2.59')['migrations']
        return max(ms, key=lambda m: m['id']) if ms else None


def host_of(s):
    return s.get('OS-EXT-SRV-ATTR:host')


def running(s):
    return s.get('OS-EXT-STS:power_state') == 1


def home_of(name):
    # lab-vm-<host>-<i>
    return name[len('lab-vm-'):].rsplit('-', 1)[0]


def wait(what, fn, timeout, interval=1.0):
    deadline = time.time() + timeout
    last = None
    while True:
        try:
            r = fn()
        except (ApiError, OSError, RuntimeError) as err:
            r, last = None, err
        if r:
            return r
        if time.time() > deadline:
            raise RuntimeError(f'timed out after {timeout} s waiting for {what}' +
                               (f' (last error: {last})' if last else ''))
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------------
def cmd_catalog(c, a):
    svc_pw = os.environ['LAB_SERVICE_PASSWORD']
    ip = os.environ.get('LAB_IP', '127.0.0.1')
    want = {
        'compute': ('nova', f'http://{ip}:8774/v2.1'),
        'placement': ('placement', f'http://{ip}:8778'),
        'image': ('glance', f'http://{ip}:9292'),
        'network': ('neutron', f'http://{ip}:9696'),
    }
    c.login()
    services = c.ks('GET', '/services')['services']
    endpoints = c.ks('GET', '/endpoints')['endpoints']
    region = c.region
    changed = []
    for stype, (name, url) in want.items():
        s = next((x for x in services if x['type'] == stype), None)
        if s is None:
            s = c.ks('POST', '/services', {'service': {'type': stype, 'name': name, 'enabled': True}})['service']
            changed.append(f'service {stype}')
        for iface in ('public', 'internal', 'admin'):
            ep = next((e for e in endpoints if e['service_id'] == s['id'] and e['interface'] == iface
                       and e.get('region_id') == region), None)
            if ep is None:
                c.ks('POST', '/endpoints', {'endpoint': {'service_id': s['id'], 'interface': iface,
                                                         'url': url, 'region_id': region, 'enabled': True}})
                changed.append(f'endpoint {stype}/{iface}')
            elif ep['url'] != url:
                c.ks('PATCH', f'/endpoints/{ep["id"]}', {'endpoint': {'url': url}})
                changed.append(f'endpoint {stype}/{iface} url')
    dom = c.ks('GET', '/domains?name=Default')['domains'][0]['id']
    projs = c.ks('GET', '/projects?name=service')['projects']
    if projs:
        pid = projs[0]['id']
    else:
        pid = c.ks('POST', '/projects', {'project': {'name': 'service', 'domain_id': dom,
                                                     'description': 'lab service project'}})['project']['id']
        changed.append('project service')
    admin_role = c.ks('GET', '/roles?name=admin')['roles'][0]['id']
    for uname in ('nova', 'placement'):
        users = c.ks('GET', f'/users?name={uname}&domain_id={dom}')['users']
        if users:
            uid = users[0]['id']
        else:
            uid = c.ks('POST', '/users', {'user': {'name': uname, 'domain_id': dom, 'password': svc_pw,
                                                   'enabled': True}})['user']['id']
            changed.append(f'user {uname}')
        try:
            c.call('HEAD', f'{c.auth_url}/projects/{pid}/users/{uid}/roles/{admin_role}')
        except ApiError:
            c.ks('PUT', f'/projects/{pid}/users/{uid}/roles/{admin_role}')
            changed.append(f'role admin for {uname}')
        try:
            c.authenticate(uname, svc_pw, 'service')
        except ApiError:
            # Only when the password changed: a PATCH revokes the user's tokens.
            c.ks('PATCH', f'/users/{uid}', {'user': {'password': svc_pw}})
            changed.append(f'user {uname} password')
    log('catalog: ' + (', '.join(changed) if changed else 'already complete'))


def heartbeat(s):
    """The service's last report (os-services updated_at, UTC) in seconds since the epoch."""
    u = s.get('updated_at')
    if not u:
        return 0.0
    return datetime.datetime.fromisoformat(u.replace('Z', '')).replace(
        tzinfo=datetime.timezone.utc).timestamp()


def services_ok(c, hosts, enabled=False, since=0.0):
    """Services not (yet) up; with since, a heartbeat older than that does not count (a unit that was
    just restarted still shows up for service_down_time on the strength of its predecessor)."""
    svcs = c.services()
    waiting = []
    for host, binary in [(CTL, 'nova-conductor'), (CTL, 'nova-scheduler')] + \
                        [(h, 'nova-compute') for h in hosts]:
        s = next((x for x in svcs if x['host'] == host and x['binary'] == binary), None)
        if s is None or s['state'] != 'up' or (enabled and s['status'] != 'enabled') or \
                heartbeat(s) < since:
            waiting.append(f'{host}:{binary}')
    return waiting


def cmd_wait_services(c, a):
    last = []

    def ok():
        nonlocal last
        last = services_ok(c, a.hosts, a.enabled, a.since)
        return not last

    try:
        wait('services', ok, a.timeout)
    except RuntimeError as err:
        raise RuntimeError(f'services not up after {a.timeout} s: {", ".join(last) or err}') from None
    log(f'services up: conductor, scheduler and {len(a.hosts)} compute(s)')


def cmd_flavor(c, a):
    if c.flavor_id():
        return
    c.nova('POST', '/flavors', {'flavor': {**FLAVOR, 'id': 'lab-fake', 'os-flavor-access:is_public': True}})
    log('flavor lab-fake created')


def boot(c, name, host, flavor):
    body = {'server': {'name': name, 'flavorRef': flavor, 'imageRef': IMAGE_ID, 'networks': 'none',
                       'host': host}}
    return c.nova('POST', '/servers', body, mv='2.74')['server']['id']


def delete_server(c, sid, timeout=60):
    try:
        c.nova('DELETE', f'/servers/{sid}')
    except ApiError as err:
        if err.code != 404:
            raise

    def gone():
        try:
            c.server(sid)
            return False
        except ApiError as err:
            return err.code == 404

    wait(f'server {sid} deleted', gone, timeout)


def ensure_servers(c, hosts, timeout, fix_errors=True):
    flavor = c.flavor_id()
    if flavor is None:
        cmd_flavor(c, None)
        flavor = c.flavor_id()
    # Anything else (a smoke-test server a run left behind) is not part of the lab's starting state.
    for s in c.all_servers():
        if not s['name'].startswith('lab-vm-'):
            log(f'{s["name"]}: not a lab server: deleting {s["id"]}')
            delete_server(c, s['id'])
    by_name = {}
    for s in c.lab_servers():
        by_name.setdefault(s['name'], []).append(s)
    want = [f'lab-vm-{h}-{i}' for h in hosts for i in range(1, SPC + 1)]
    created = []
    for name in want:
        ss = by_name.get(name, [])
        for extra in ss[1:]:
            log(f'{name}: deleting duplicate {extra["id"]}')
            delete_server(c, extra['id'])
        s = ss[0] if ss else None
        if s is not None and fix_errors and (s['status'] == 'ERROR' or (
                s['status'] == 'ACTIVE' and not s.get('OS-EXT-STS:task_state') and not running(s))):
            log(f'{name}: {s["status"]}, power state {s.get("OS-EXT-STS:power_state")}: recreating')
            delete_server(c, s['id'])
            s = None
        if s is None:
            boot(c, name, home_of(name), flavor)
            created.append(name)
    if created:
        log(f'servers created: {", ".join(created)}')
    return want


def wait_active(c, names, timeout):
    def ok():
        ss = {s['name']: s for s in c.lab_servers()}
        bad = [n for n in names if n not in ss or ss[n]['status'] != 'ACTIVE'
               or ss[n].get('OS-EXT-STS:task_state') or not running(ss[n])]
        errs = [n for n in names if n in ss and ss[n]['status'] == 'ERROR']
        if errs:
            raise RuntimeError(f'servers in ERROR: {", ".join(errs)}')
        return not bad
    wait(f'{len(names)} server(s) ACTIVE', ok, timeout)


def cmd_servers(c, a):
    names = ensure_servers(c, a.hosts, a.timeout)
    wait_active(c, names, a.timeout)
    log(f'{len(names)} lab server(s) ACTIVE')


def cmd_enable_computes(c, a):
    for s in c.services('nova-compute'):
        if s['host'] in a.hosts and s['status'] != 'enabled':
            c.nova('PUT', '/os-services/enable', {'host': s['host'], 'binary': 'nova-compute'})
            log(f'{s["host"]}: nova-compute enabled')


def live_migrate(c, sid, body, mv, src, dest=None, timeout=90):
    before = c.last_migration(sid)
    c.nova('POST', f'/servers/{sid}/action', {'os-migrateLive': body}, mv=mv)

    def moved():
        s = c.server(sid)
        if s['status'] == 'ERROR':
            raise RuntimeError(f'server {sid} went to ERROR')
        h = host_of(s)
        return s['status'] == 'ACTIVE' and not s.get('OS-EXT-STS:task_state') and h != src and \
            (dest is None or h == dest) and s
    s = wait(f'live migration of {sid} off {src}', moved, timeout, 0.5)

    def done():
        m = c.last_migration(sid)
        if m and (before is None or m['id'] != before['id']):
            if m['status'] in ('error', 'failed', 'cancelled'):
                raise RuntimeError(f'migration {m["id"]} is {m["status"]}')
            return m if m['status'] == 'completed' else None
        return None
    m = wait(f'migration record of {sid} completed', done, timeout, 0.5)
    return host_of(s), m


def cmd_rehome(c, a):
    """Every lab server ACTIVE on its home compute: stuck or errored ones are recreated, moved ones
    live-migrated back (2.1 form, host given)."""
    names = ensure_servers(c, a.hosts, a.timeout)
    deadline = time.time() + a.timeout

    def settled():
        ss = [s for s in c.lab_servers() if s['name'] in names]
        return all(s['status'] in ('ACTIVE', 'ERROR', 'SHUTOFF') and not s.get('OS-EXT-STS:task_state')
                   for s in ss) and ss
    try:
        wait('lab servers to settle', settled, 30)
    except RuntimeError:
        pass
    for s in c.lab_servers():
        if s['name'] not in names:
            continue
        home = home_of(s['name'])
        if s['status'] != 'ACTIVE' or s.get('OS-EXT-STS:task_state') or not running(s):
            log(f'{s["name"]}: {s["status"]}/{s.get("OS-EXT-STS:task_state")}, recreating')
            delete_server(c, s['id'])
            boot(c, s['name'], home, c.flavor_id())
        elif host_of(s) != home:
            log(f'{s["name"]}: on {host_of(s)}, live-migrating back to {home}')
            try:
                live_migrate(c, s['id'], {'host': home, 'block_migration': False, 'disk_over_commit': False},
                             '2.1', host_of(s), home, max(30, deadline - time.time()))
            except (ApiError, RuntimeError) as err:
                log(f'{s["name"]}: live migration back failed ({str(err)[:200]}), recreating')
                delete_server(c, s['id'])
                boot(c, s['name'], home, c.flavor_id())
    wait_active(c, names, max(30, deadline - time.time()))
    misplaced = [s['name'] for s in c.lab_servers() if s['name'] in names and host_of(s) != home_of(s['name'])]
    if misplaced:
        raise RuntimeError(f'not on their home host: {", ".join(misplaced)}')
    log(f'{len(names)} lab server(s) ACTIVE on their home computes')


def cmd_info(c, a):
    c.login()
    url = c.endpoint('compute') + '/'
    _, h, b = c.raw('GET', url, headers={'X-Auth-Token': c.token, 'OpenStack-API-Version': 'compute latest'})
    v = b['version']
    print(json.dumps({'min_version': v['min_version'], 'max_version': v['version'],
                      'header': next((v for k, v in h.items() if k.lower() == 'openstack-api-version'), None)}))


def cmd_lab_json(c, a):
    e = os.environ
    hosts = [{'name': CTL, 'role': 'controller', 'units': e['LAB_CTL_UNITS'].split()}]
    hosts += [{'name': h, 'role': 'compute', 'units': ['nova-compute']} for h in a.hosts]
    versions = json.loads(e['LAB_VERSIONS'])
    doc = {
        'dir': e['LAB_DIR'], 'keystoneUrl': e['OS_AUTH_URL'], 'region': e.get('OS_REGION_NAME', 'RegionOne'),
        'adminUser': e['OS_USERNAME'], 'adminProject': e['OS_PROJECT_NAME'],
        'domain': e.get('OS_USER_DOMAIN_NAME', 'Default'), 'cloudsYaml': e['LAB_DIR'] + '/clouds.yaml',
        'cloud': 'stackhop-lab',
        'db': {'host': '127.0.0.1', 'port': int(e['LAB_DB_PORT']), 'user': 'root'},
        'hosts': hosts, 'computes': len(a.hosts), 'serversPerCompute': SPC, 'versions': versions,
        'openrc': e['LAB_DIR'] + '/openrc', 'service': e['LAB_SERVICE_BIN'],
    }
    tmp = a.file + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')
    os.replace(tmp, a.file)


# ---------------------------------------------------------------------------------------------------
def cmd_smoke(c, a):
    results = []

    def check(name, fn):
        t = time.time()
        try:
            detail = fn()
            results.append(True)
            print(f'PASS  {name}' + (f' — {detail}' if detail else '') + f' ({time.time() - t:.1f} s)', flush=True)
        except Exception as err:  # noqa: BLE001 - every failure is a FAIL line
            results.append(False)
            print(f'FAIL  {name} — {str(err)[:500]}', flush=True)

    hosts = a.hosts

    def token():
        tok = c.login()
        assert tok['project']['name'] == os.environ['OS_PROJECT_NAME'], 'token not scoped to the project'
        return f'project-scoped token, {len(c.catalog)} catalog entries'
    check('keystone v3 password token', token)

    def services():
        waiting = services_ok(c, hosts)
        if waiting:
            # a service that was just restarted needs one report interval
            time.sleep(10)
            waiting = services_ok(c, hosts)
        assert not waiting, 'not up: ' + ', '.join(waiting)
        n = len(c.services())
        return f'{n} services, all up'
    check('os-services all up', services)

    target = hosts[1] if len(hosts) > 1 else hosts[0]

    def disable():
        r = c.nova('PUT', '/os-services/disable', {'host': target, 'binary': 'nova-compute'})
        assert r['service']['status'] == 'disabled', r
        s = next(x for x in c.services('nova-compute') if x['host'] == target)
        assert s['status'] == 'disabled', s
        return f'{target} disabled (2.1 PUT /os-services/disable)'
    check('disable a compute', disable)

    def enable():
        r = c.nova('PUT', '/os-services/enable', {'host': target, 'binary': 'nova-compute'})
        assert r['service']['status'] == 'enabled', r
        s = next(x for x in c.services('nova-compute') if x['host'] == target)
        assert s['status'] == 'enabled', s
        return f'{target} enabled again'
    check('enable the compute', enable)

    def info():
        c.login()
        _, h, b = c.raw('GET', c.endpoint('compute') + '/',
                        headers={'X-Auth-Token': c.token, 'OpenStack-API-Version': 'compute latest'})
        return f'microversions {b["version"]["min_version"]}..{b["version"]["version"]}'
    check('compute API version document', info)

    servers = {s['name']: s for s in c.lab_servers()}
    src = hosts[0]
    temp = []

    def pick():
        name = f'lab-vm-{src}-1'
        s = servers.get(name)
        if s is None:
            sid = boot(c, 'lab-smoke-tmp', src, c.flavor_id())
            temp.append(sid)
            wait('temporary server ACTIVE', lambda: c.server(sid)['status'] == 'ACTIVE', 60)
            return c.server(sid)
        return s
    state = {}

    def on_home():
        s = pick()
        state['s'] = s
        assert s['status'] == 'ACTIVE', f'{s["name"]} is {s["status"]}'
        assert host_of(s) == src, f'{s["name"]} is on {host_of(s)}, not {src}'
        listed = c.nova('GET', f'/servers/detail?all_tenants=1&host={src}', mv='2.74')['servers']
        assert all(host_of(x) == src for x in listed), 'host filter returned other hosts'
        return f'{s["name"]} ACTIVE on {src}; {len(listed)} server(s) listed on {src}'
    check('server ACTIVE on its compute', on_home)

    if len(hosts) < 2 or 's' not in state:
        print('SKIP  live migrations (need 2 computes and a server)')
    else:
        sid = state['s']['id']

        def lm_away_21():
            h, m = live_migrate(c, sid, {'host': None, 'block_migration': False, 'disk_over_commit': False},
                                '2.1', src)
            return f'{src} -> {h}, migration {m["id"]} completed (2.1 form, scheduler picks)'
        check('live-migrate away (2.1, host null)', lm_away_21)

        def lm_back_21():
            cur = host_of(c.server(sid))
            h, m = live_migrate(c, sid, {'host': src, 'block_migration': False, 'disk_over_commit': False},
                                '2.1', cur, src)
            return f'{cur} -> {h}, migration {m["id"]} completed (2.1 form, host given)'
        check('live-migrate back (2.1, host given)', lm_back_21)

        def lm_away_225():
            h, m = live_migrate(c, sid, {'host': None, 'block_migration': 'auto'}, '2.25', src)
            return f'{src} -> {h}, migration {m["id"]} completed (2.25, block_migration auto)'
        check('live-migrate away (2.25, block_migration auto)', lm_away_225)

        def lm_back_230():
            cur = host_of(c.server(sid))
            h, m = live_migrate(c, sid, {'host': src, 'block_migration': 'auto'}, '2.30', cur, src)
            return f'{cur} -> {h}, migration {m["id"]} completed (2.30, host given, scheduler-checked)'
        check('live-migrate back (2.30, host given)', lm_back_230)

    for sid in temp:
        delete_server(c, sid)
    passed = sum(results)
    failed = len(results) - passed
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    sub.add_parser('catalog')
    p = sub.add_parser('wait-services')
    p.add_argument('hosts', nargs='*')
    p.add_argument('--timeout', type=float, default=180)
    p.add_argument('--enabled', action='store_true')
    p.add_argument('--since', type=float, default=0.0, help='heartbeats must be newer (epoch seconds)')
    sub.add_parser('flavor')
    for name in ('servers', 'rehome', 'enable-computes', 'smoke'):
        p = sub.add_parser(name)
        p.add_argument('hosts', nargs='*')
        p.add_argument('--timeout', type=float, default=180)
    sub.add_parser('info')
    p = sub.add_parser('lab-json')
    p.add_argument('file')
    p.add_argument('hosts', nargs='*')
    a = ap.parse_args()
    c = Cloud()
    fn = {'catalog': cmd_catalog, 'wait-services': cmd_wait_services, 'flavor': cmd_flavor,
          'servers': cmd_servers, 'rehome': cmd_rehome, 'enable-computes': cmd_enable_computes,
          'smoke': cmd_smoke, 'info': cmd_info, 'lab-json': cmd_lab_json}[a.cmd]
    try:
        rc = fn(c, a)
    except (ApiError, RuntimeError, OSError, KeyError) as err:
        log(f'{a.cmd}: {err}')
        return 1
    return rc or 0


if __name__ == '__main__':
    sys.exit(main())
