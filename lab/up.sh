#!/bin/bash
# Brings the stackhop lab up, from a bare machine or on a running lab (idempotent: what runs and works is
# left alone). Knobs: see common.sh / README.md. Prints the Keystone URL; secrets go to 0600 files only.
set -euo pipefail
. "$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)/common.sh"
. "$LAB_SRC/render.sh"
[[ $EUID -eq 0 ]] || die "up.sh must run as root"
T0=$(now)
PKGS_CHANGED=0

# ---- 1. packages ---------------------------------------------------------------------------------
if [[ $LAB_SKIP_INSTALL == 1 ]]; then
  lab_log "packages: skipped (STACKHOP_LAB_SKIP_INSTALL=1)"
elif old_installed; then
  lab_log "packages: OLD versions already installed"
else
  lab_log "packages: installing the OLD versions (apt-get install --allow-downgrades)"
  apt-cache show "python3-nova=${LAB_OLD[python3-nova]}" >/dev/null 2>&1 || apt-get -q update
  install_old "${LAB_EXTRA_PKGS[@]}"
  PKGS_CHANGED=1
fi
for p in "${LAB_PKGS[@]}"; do
  [[ -n $(pkg_version "$p") ]] || die "$p is not installed"
done

# ---- 2. users, wrappers --------------------------------------------------------------------------
for u in keystone nova placement; do
  id -u "$u" >/dev/null 2>&1 ||
    useradd --system --user-group --home-dir "/var/lib/$u" --no-create-home --shell /bin/false "$u"
done
nova_files=$(dpkg -L python3-nova 2>/dev/null || true)
for b in api conductor scheduler compute manage; do
  if grep -qx "/usr/bin/nova-$b" <<<"$nova_files"; then continue; fi
  w=/usr/local/bin/nova-$b
  want=$(printf '#!/usr/bin/python3\n# stackhop lab: python3-nova ships no nova-%s script.\nimport sys\nfrom nova.cmd.%s import main\nsys.exit(main())\n' "$b" "$b")
  if [[ ! -f $w || $(cat "$w") != "$want" ]]; then
    printf '%s\n' "$want" >"$w"
    chmod 755 "$w"
  fi
done

# ---- 3. layout -----------------------------------------------------------------------------------
# o+x all the way up, so the service users reach the config dirs.
d=$LAB_DIR
while [[ $d != / && -n $d ]]; do
  [[ -e $d ]] || mkdir -p "$d"
  perms=$(stat -c %A "$d")
  [[ ${perms:9:1} == [xt] ]] || chmod o+x "$d"
  d=$(dirname "$d")
done
mkdir -p "$LAB_RUN" "$LAB_LOG" "$LAB_DATA" "$LAB_ETC/rabbitmq" "$LAB_STATE/done" "$LAB_BIN" "$LAB_HOSTS" "$LAB_PRISTINE"
chmod 755 "$LAB_DIR" "$LAB_HOSTS"
chmod 700 "$LAB_PRISTINE" "$LAB_DATA"
for f in stubs.py wsgi.py; do
  cmp -s "$LAB_SRC/$f" "$LAB_BIN/$f" || install -m 755 "$LAB_SRC/$f" "$LAB_BIN/$f"
done
write_if_changed() { # FILE CONTENT
  [[ -f $1 && $(cat "$1") == "$2" ]] || printf '%s\n' "$2" >"$1"
}
write_if_changed "$LAB_ETC/rabbitmq/rabbitmq.conf" "listeners.tcp.default = $LAB_IP:$RABBIT_PORT
loopback_users.guest = true
log.console = true
log.console.level = warning
log.file = false
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2"
write_if_changed "$LAB_ETC/rabbitmq/enabled_plugins" "[]."
write_if_changed "$LAB_ETC/rabbitmq/advanced.config" "[]."
write_if_changed "$LAB_ETC/rabbitmq/rabbitmq-env.conf" "# stackhop lab: everything is set in the environment (common.sh RABBIT_ENV)"
mkdir -p "$LAB_DATA/rabbitmq"

# ---- 4. config files (pristine copies for reset.sh) ----------------------------------------------
# A file is (re)written when the rendering differs from its pristine copy (the lab's definition
# changed); an edit made since (stackhop's pin) is left alone. Files are rewritten in place and the
# config dirs are never replaced: they are bind-mounted over /etc/nova etc. in the host namespaces.
CHANGED=() # HOST:SERVICE whose config was (re)written
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for host in $(all_hosts); do
  hd=$(hdir "$host")
  mkdir -p "$hd/run" "$hd/log" "$hd/state/nova/lock" "$hd/state/nova/instances" "$hd/etc"
  chmod 755 "$hd" "$hd/etc" "$hd/log" "$hd/run"
  if [[ $host == "$CTL" ]]; then
    render_controller "$scratch/$host"
    mkdir -p "$hd/state/keystone"
    chmod 700 "$hd/state/keystone"
  else
    render_compute "$host" "$scratch/$host"
  fi
  for sdir in "$scratch/$host"/*/; do
    svc=$(basename "$sdir")
    live=$hd/etc/$svc
    pristine=$LAB_PRISTINE/$host/$svc
    mkdir -p "$live" "$pristine"
    chown "root:$svc" "$live"
    chmod 750 "$live"
    for f in "$sdir"*; do
      name=$(basename "$f")
      if ! cmp -s "$f" "$pristine/$name" || [[ ! -e $live/$name ]]; then
        cat "$f" >"$pristine/$name"
        cat "$f" >"$live/$name"
        [[ " ${CHANGED[*]} " == *" $host:$svc "* ]] || CHANGED+=("$host:$svc")
      elif ! cmp -s "$live/$name" "$pristine/$name"; then
        lab_log "$host: $svc/$name differs from its pristine copy (kept; reset.sh restores it)"
      fi
      chown "root:$svc" "$live/$name"
      chmod 640 "$live/$name"
      chmod 600 "$pristine/$name"
    done
  done
done
printf 'computes=%s\nservers_per_compute=%s\n' "$LAB_COMPUTES" "$LAB_SPC" >"$LAB_STATE/knobs"

# Secrets: openrc, clouds.yaml and db.cnf, 0600.
umask_old=$(umask)
umask 077
{
  echo "# stackhop lab: admin credentials (source me)"
  printf 'export OS_AUTH_URL=%q\n' "$KEYSTONE_URL"
  echo "export OS_IDENTITY_API_VERSION=3"
  echo "export OS_USERNAME=admin"
  printf 'export OS_PASSWORD=%q\n' "$LAB_ADMIN_PASSWORD"
  echo "export OS_PROJECT_NAME=admin"
  echo "export OS_USER_DOMAIN_NAME=Default"
  echo "export OS_PROJECT_DOMAIN_NAME=Default"
  printf 'export OS_REGION_NAME=%q\n' "$REGION"
  echo "export OS_INTERFACE=public"
  echo "export OS_CLOUD=stackhop-lab"
  printf 'export OS_CLIENT_CONFIG_FILE=%q\n' "$LAB_DIR/clouds.yaml"
  printf 'export STACKHOP_LAB_DIR=%q\n' "$LAB_DIR"
  echo "# MariaDB root over TCP: mysql -h 127.0.0.1 -P $DB_PORT -u root (or --defaults-extra-file=$DB_CNF)"
  printf 'export STACKHOP_LAB_DB_PASSWORD=%q\n' "$LAB_DB_PASSWORD"
} >"$LAB_DIR/openrc.tmp"
mv -f "$LAB_DIR/openrc.tmp" "$LAB_DIR/openrc"
yaml_str() { LABV=$1 "$PY" -c 'import json, os; print(json.dumps(os.environ["LABV"]))'; }
cat >"$LAB_DIR/clouds.yaml.tmp" <<EOF
# stackhop lab (written by lab/up.sh)
clouds:
  stackhop-lab:
    auth:
      auth_url: $KEYSTONE_URL
      username: admin
      password: $(yaml_str "$LAB_ADMIN_PASSWORD")
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
EOF
mv -f "$LAB_DIR/clouds.yaml.tmp" "$LAB_DIR/clouds.yaml"
printf '[client]\nhost=%s\nport=%s\nuser=root\npassword=%s\n' "$LAB_IP" "$DB_PORT" "$LAB_DB_PASSWORD" >"$LAB_DIR/db.cnf.tmp"
mv -f "$LAB_DIR/db.cnf.tmp" "$DB_CNF"
umask "$umask_old"
chmod 600 "$LAB_DIR/openrc" "$LAB_DIR/clouds.yaml" "$DB_CNF"

# ---- 5. infrastructure ---------------------------------------------------------------------------
if [[ ! -d $LAB_DATA/mysql/mysql ]]; then
  lab_log "mariadb: initialising $LAB_DATA/mysql"
  rm -rf "$LAB_DATA/mysql"
  mariadb-install-db --no-defaults --user=root --datadir="$LAB_DATA/mysql" \
    --auth-root-authentication-method=socket --skip-test-db >"$LAB_LOG/mariadb-install.log" 2>&1 ||
    { tail -n 20 "$LAB_LOG/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
fi
# RabbitMQ boots in the background (about 10 s) while the databases are prepared.
BG_PIDS=()
BG_NAMES=()
bg() { # NAME CMD...: run in the background, output in log/up-NAME.log
  local name=$1
  shift
  ("$@") >"$LAB_LOG/up-$name.log" 2>&1 &
  BG_PIDS+=($!)
  BG_NAMES+=("$name")
}
bg_wait() { # waits for every background job, fails with the log tail of a failed one
  local i rc=0
  for i in "${!BG_PIDS[@]}"; do
    if ! wait "${BG_PIDS[i]}"; then
      echo "--- ${BG_NAMES[i]} failed; last lines of $LAB_LOG/up-${BG_NAMES[i]}.log:" >&2
      tail -n 25 "$LAB_LOG/up-${BG_NAMES[i]}.log" >&2
      rc=1
    fi
  done
  BG_PIDS=()
  BG_NAMES=()
  return $rc
}
bg mq "$LAB_SRC/bin/lab-infra" start epmd rabbitmq stubs
infra_start mariadb

lab_log "mariadb: users and databases"
mariadb --no-defaults --socket="$DB_SOCKET" -uroot <<SQL
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '$LAB_DB_PASSWORD';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$LAB_DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('$LAB_DB_PASSWORD');
CREATE DATABASE IF NOT EXISTS keystone;
CREATE DATABASE IF NOT EXISTS placement;
CREATE DATABASE IF NOT EXISTS nova_api;
CREATE DATABASE IF NOT EXISTS nova;
CREATE DATABASE IF NOT EXISTS nova_cell0;
CREATE USER IF NOT EXISTS 'keystone'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
CREATE USER IF NOT EXISTS 'placement'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
CREATE USER IF NOT EXISTS 'nova'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
ALTER USER 'keystone'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
ALTER USER 'placement'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
ALTER USER 'nova'@'%' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'%';
GRANT ALL PRIVILEGES ON placement.* TO 'placement'@'%';
GRANT ALL PRIVILEGES ON nova_api.* TO 'nova'@'%';
GRANT ALL PRIVILEGES ON nova.* TO 'nova'@'%';
GRANT ALL PRIVILEGES ON nova_cell0.* TO 'nova'@'%';
FLUSH PRIVILEGES;
SQL

# ---- 6. schemas and the controller -----------------------------------------------------------------
CTLD=$(hdir "$CTL")
KCONF=$CTLD/etc/keystone/keystone.conf
PCONF=$CTLD/etc/placement/placement.conf
NCONF=$CTLD/etc/nova/nova.conf
NOVA_MANAGE=$(nova_bin nova-manage)
marker() { [[ -e $LAB_STATE/done/$1 ]]; }
mark() { touch "$LAB_STATE/done/$1"; }

keystone_db() {
  if ! marker keystone-db; then
    keystone-manage --config-file "$KCONF" db_sync || return 1
    mark keystone-db
  fi
  if [[ ! -e $CTLD/state/keystone/fernet-keys/0 ]]; then
    keystone-manage --config-file "$KCONF" fernet_setup --keystone-user root --keystone-group root || return 1
  fi
  if [[ ! -e $CTLD/state/keystone/credential-keys/0 ]]; then
    keystone-manage --config-file "$KCONF" credential_setup --keystone-user root --keystone-group root || return 1
  fi
}
placement_db() {
  marker placement-db && return 0
  placement-manage --config-file "$PCONF" db sync || return 1
  mark placement-db
}
nova_db() {
  if ! marker nova-api-db; then
    "$NOVA_MANAGE" --config-file "$NCONF" api_db sync || return 1
    mark nova-api-db
  fi
  if ! marker nova-cell0; then
    "$NOVA_MANAGE" --config-file "$NCONF" cell_v2 map_cell0 || return 1
    mark nova-cell0
  fi
  if ! marker nova-cell1; then
    local cells
    cells=$("$NOVA_MANAGE" --config-file "$NCONF" cell_v2 list_cells 2>/dev/null) || return 1
    if ! grep -q '| *cell1 *|' <<<"$cells"; then
      "$NOVA_MANAGE" --config-file "$NCONF" cell_v2 create_cell --name cell1 || return 1
    fi
    mark nova-cell1
  fi
  if ! marker nova-db; then
    "$NOVA_MANAGE" --config-file "$NCONF" db sync || return 1
    mark nova-db
  fi
}
svc() { "$LAB_SRC/bin/lab-service" "$@"; }
unit_service() { case $1 in keystone) echo keystone ;; placement-api) echo placement ;; *) echo nova ;; esac; }
admin_ok() {
  local body code
  body=$(LABPW=$LAB_ADMIN_PASSWORD "$PY" -c 'import json, os; print(json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": os.environ["LABPW"]}}}, "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}))')
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 -H 'Content-Type: application/json' -d @- "$KEYSTONE_URL/auth/tokens" <<<"$body") || true
  [[ $code == 201 ]]
}
bootstrap() {
  lab_log "keystone: bootstrap (admin, RegionOne, identity endpoints)"
  OS_BOOTSTRAP_PASSWORD=$LAB_ADMIN_PASSWORD keystone-manage --config-file "$KCONF" bootstrap \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-region-id "$REGION" --bootstrap-admin-url "$KEYSTONE_URL" \
    --bootstrap-internal-url "$KEYSTONE_URL" --bootstrap-public-url "$KEYSTONE_URL" || return 1
  mark keystone-bootstrap
}
export LAB_SERVICE_PASSWORD LAB_IP LAB_SPC
export LAB_STUB_IMAGE_ID=$STUB_IMAGE_ID

# Units whose config was rewritten, or whose code apt replaced, are restarted (a running lab only).
if ((PKGS_CHANGED)); then
  for h in $(all_hosts); do
    for u in $(host_units "$h"); do
      s=$(unit_service "$u")
      [[ " ${CHANGED[*]} " == *" $h:$s "* ]] || CHANGED+=("$h:$s")
    done
  done
fi
for hs in "${CHANGED[@]}"; do
  for u in $(host_units "${hs%%:*}"); do
    [[ $(unit_service "$u") == "${hs#*:}" ]] || continue
    if unit_status "${hs%%:*}" "$u" >/dev/null; then
      lab_log "${hs%%:*}: ${hs#*:} config or packages changed, restarting $u"
      svc "${hs%%:*}" "$u" restart >/dev/null
    fi
  done
done

# Three chains in parallel: keystone (schema, keys, bootstrap, server, catalog), placement (schema,
# server), nova (schemas, cells, then nova-api/conductor/scheduler once RabbitMQ is up).
keystone_chain() {
  keystone_db || return 1
  if ! marker keystone-bootstrap; then bootstrap || return 1; fi
  svc "$CTL" keystone start || return 1
  if ! admin_ok; then bootstrap || return 1; fi
  lab_api catalog
}
placement_chain() {
  placement_db || return 1
  svc "$CTL" placement-api start
}
nova_chain() {
  nova_db || return 1
  local i
  for ((i = 0; i < 1200; i++)); do
    infra_ready rabbitmq && break
    sleep 0.1
  done
  svc "$CTL" nova-api start || return 1
  svc "$CTL" nova-conductor start || return 1
  svc "$CTL" nova-scheduler start
}
lab_log "controller: schemas, keystone bootstrap + catalog, placement, nova-api/conductor/scheduler"
bg keystone keystone_chain
bg placement placement_chain
bg nova nova_chain
bg_wait
grep -h '^\[lab ' "$LAB_LOG"/up-{keystone,placement,nova}.log >&2 || true
lab_log "controller up ($(elapsed "$T0") s)"

# ---- 8. computes -----------------------------------------------------------------------------------
for host in $(compute_hosts); do
  bg "start-$host" svc "$host" nova-compute start
done
bg_wait
mapfile -t COMPUTES < <(compute_hosts)
lab_api wait-services "${COMPUTES[@]}" --since "$T0" --timeout 180
discovered=$(cat "$LAB_STATE/done/discovered" 2>/dev/null || true)
if [[ $discovered != "${COMPUTES[*]}" ]]; then
  lab_log "nova-manage cell_v2 discover_hosts"
  "$NOVA_MANAGE" --config-file "$NCONF" cell_v2 discover_hosts >"$LAB_LOG/up-discover.log" 2>&1 ||
    { tail -n 20 "$LAB_LOG/up-discover.log" >&2; die "discover_hosts failed"; }
  echo "${COMPUTES[*]}" >"$LAB_STATE/done/discovered"
fi

# ---- 9. flavor, image, servers ---------------------------------------------------------------------
lab_api flavor
curl -sf -o /dev/null "http://$LAB_IP:$GLANCE_PORT/v2/images/$STUB_IMAGE_ID" || die "the image stub does not serve $STUB_IMAGE_ID"
lab_api servers "${COMPUTES[@]}" --timeout 180

# ---- 10. lab.json ----------------------------------------------------------------------------------
versions_json() {
  local p first=1
  printf '{"old": {'
  for p in "${LAB_PKGS[@]}"; do ((first)) || printf ', '; first=0; printf '"%s": "%s"' "$p" "${LAB_OLD[$p]}"; done
  printf '}, "new": {'
  first=1
  for p in "${LAB_PKGS[@]}"; do ((first)) || printf ', '; first=0; printf '"%s": "%s"' "$p" "${LAB_NEW[$p]}"; done
  printf '}}'
}
LAB_VERSIONS=$(versions_json) LAB_CTL_UNITS="${CTL_UNITS[*]}" LAB_DIR=$LAB_DIR LAB_DB_PORT=$DB_PORT \
  LAB_SERVICE_BIN="$LAB_SRC/bin/lab-service" lab_api lab-json "$LAB_DIR/lab.json" "${COMPUTES[@]}"
chmod 644 "$LAB_DIR/lab.json"

lab_log "lab up in $(elapsed "$T0") s: $CTL + ${#COMPUTES[@]} compute(s), $((${#COMPUTES[@]} * LAB_SPC)) server(s) ACTIVE"
echo "Keystone: $KEYSTONE_URL   (credentials: $LAB_DIR/openrc, $LAB_DIR/clouds.yaml cloud stackhop-lab)"
echo "Lab:      $LAB_DIR/lab.json"
