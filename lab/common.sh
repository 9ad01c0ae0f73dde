# shellcheck shell=bash
# Shared by every lab script: knobs, paths, ports, the unit table and the process helpers.
# Sourced, never run. Callers use `set -euo pipefail`.

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$LAB_SRC/versions.sh"

# ---- knobs ---------------------------------------------------------------------------------------
LAB_DIR=${STACKHOP_LAB_DIR:-/var/tmp/stackhop-lab}
LAB_DIR=${LAB_DIR%/}
# The shape of a lab that exists is remembered (state/knobs) so that reset.sh, down.sh and lab-service
# find every host without the caller repeating the knobs; the environment wins when it is set.
_saved_knob() { if [[ -r $LAB_DIR/state/knobs ]]; then sed -n "s/^$1=//p" "$LAB_DIR/state/knobs" | tail -n1; fi; }
LAB_COMPUTES=${STACKHOP_LAB_COMPUTES:-$(_saved_knob computes)}
LAB_COMPUTES=${LAB_COMPUTES:-3}
LAB_SPC=${STACKHOP_LAB_SERVERS_PER_COMPUTE:-$(_saved_knob servers_per_compute)}
LAB_SPC=${LAB_SPC:-1}
LAB_ADMIN_PASSWORD=${STACKHOP_LAB_ADMIN_PASSWORD:-admin}
LAB_DB_PASSWORD=${STACKHOP_LAB_DB_PASSWORD:-lab-db-root}
LAB_SERVICE_PASSWORD=${STACKHOP_LAB_SERVICE_PASSWORD:-lab-service}
LAB_SKIP_INSTALL=${STACKHOP_LAB_SKIP_INSTALL:-0}
[[ $LAB_COMPUTES =~ ^[1-9][0-9]?$ ]] || { echo "lab: STACKHOP_LAB_COMPUTES must be 1..99" >&2; exit 1; }
[[ $LAB_SPC =~ ^[0-9]+$ ]] || { echo "lab: STACKHOP_LAB_SERVERS_PER_COMPUTE must be a number" >&2; exit 1; }

# ---- ports (all on 127.0.0.1) --------------------------------------------------------------------
LAB_IP=127.0.0.1
KEYSTONE_PORT=5000
NOVA_API_PORT=8774
PLACEMENT_PORT=8778
GLANCE_PORT=9292
NEUTRON_PORT=9696
DB_PORT=13306
RABBIT_PORT=35672
RABBIT_DIST_PORT=35673
EPMD_PORT=14369
KEYSTONE_URL=http://$LAB_IP:$KEYSTONE_PORT/v3
REGION=RegionOne
TRANSPORT_URL="rabbit://guest:guest@$LAB_IP:$RABBIT_PORT/"
STUB_IMAGE_ID=6b1c1d9e-3c55-4c5e-9a4e-0c0ffee00001

# ---- paths ---------------------------------------------------------------------------------------
LAB_RUN=$LAB_DIR/run          # infrastructure PID files and the MariaDB socket
LAB_LOG=$LAB_DIR/log          # infrastructure logs, up.log
LAB_DATA=$LAB_DIR/data        # MariaDB datadir, RabbitMQ mnesia + cookie
LAB_ETC=$LAB_DIR/etc          # RabbitMQ config
LAB_STATE=$LAB_DIR/state      # knobs, step markers
LAB_BIN=$LAB_DIR/bin          # copies of stubs.py and wsgi.py the running lab uses
LAB_HOSTS=$LAB_DIR/hosts      # hosts/HOST/{etc/{nova,keystone,placement},run,log,state}
LAB_PRISTINE=$LAB_DIR/pristine # pristine/HOST/{nova,keystone,placement}: what reset.sh restores
DB_SOCKET=$LAB_RUN/mysqld.sock
DB_CNF=$LAB_DIR/db.cnf        # [client] root credentials, 0600

CTL=lab-ctl
CTL_UNITS=(keystone placement-api nova-api nova-conductor nova-scheduler)
CMP_UNITS=(nova-compute)
INFRA_UNITS=(mariadb epmd rabbitmq stubs)
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Called over SSH with a minimal PATH (lab-service), the scripts still find setsid, useradd, mariadb…
for _p in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  [[ :$PATH: == *:$_p:* ]] || PATH=$PATH:$_p
done
export PATH
PY=/usr/bin/python3

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "lab: $*" >&2; exit 1; }

compute_name() { echo "lab-cmp$1"; }
compute_hosts() { local i; for ((i = 1; i <= LAB_COMPUTES; i++)); do echo "lab-cmp$i"; done; }
all_hosts() { echo "$CTL"; compute_hosts; }
# Hosts that exist on disk (whatever the knobs say now): what down.sh and lab-service act on.
existing_hosts() {
  local d
  for d in "$LAB_HOSTS"/*/; do
    [[ -d $d ]] || continue
    d=${d%/}; d=${d##*/}
    host_role "$d" >/dev/null && echo "$d"
  done
}
host_role() {
  case $1 in
    "$CTL") echo controller ;;
    lab-cmp[1-9] | lab-cmp[1-9][0-9]) echo compute ;;
    *) return 1 ;;
  esac
}
host_units() {
  case $(host_role "$1") in
    controller) printf '%s\n' "${CTL_UNITS[@]}" ;;
    compute) printf '%s\n' "${CMP_UNITS[@]}" ;;
  esac
}
hdir() { echo "$LAB_HOSTS/$1"; }
unit_known() { # HOST UNIT: the host exists in this lab and runs the unit
  local u
  host_role "$1" >/dev/null 2>&1 || return 1
  [[ -d $LAB_HOSTS/$1/etc ]] || return 1
  for u in $(host_units "$1"); do [[ $u == "$2" ]] && return 0; done
  return 1
}
unit_port() {
  case $1 in
    keystone) echo "$KEYSTONE_PORT" ;;
    placement-api) echo "$PLACEMENT_PORT" ;;
    nova-api) echo "$NOVA_API_PORT" ;;
    mariadb) echo "$DB_PORT" ;;
    rabbitmq) echo "$RABBIT_PORT" ;;
    stubs) echo "$NEUTRON_PORT" ;;
    epmd) echo "$EPMD_PORT" ;;
  esac
}
nova_bin() { if [[ -x /usr/bin/$1 ]]; then echo "/usr/bin/$1"; else echo "/usr/local/bin/$1"; fi; }

# unit_argv HOST UNIT: the unit's command line, into the array UNIT_ARGV. Every OpenStack process
# gets its host's config file explicitly and reads no other one.
unit_argv() {
  local h; h=$(hdir "$1")
  case $2 in
    keystone) UNIT_ARGV=("$PY" "$LAB_BIN/wsgi.py" keystone --config-file "$h/etc/keystone/keystone.conf"
      --bind "$LAB_IP:$KEYSTONE_PORT" --workers 1 --threads 8) ;;
    placement-api) UNIT_ARGV=("$PY" "$LAB_BIN/wsgi.py" placement --config-file "$h/etc/placement/placement.conf"
      --bind "$LAB_IP:$PLACEMENT_PORT" --workers 1 --threads 8) ;;
    nova-api | nova-conductor | nova-scheduler | nova-compute)
      UNIT_ARGV=("$(nova_bin "$2")" --config-file "$h/etc/nova/nova.conf") ;;
    *) return 1 ;;
  esac
}

# infra_argv UNIT: MariaDB, epmd, RabbitMQ and the stubs, into INFRA_ARGV.
infra_argv() {
  case $1 in
    mariadb) INFRA_ARGV=(/usr/sbin/mariadbd --no-defaults --user=root --datadir="$LAB_DATA/mysql"
      --socket="$DB_SOCKET" --port="$DB_PORT" --bind-address="$LAB_IP" --skip-name-resolve
      --pid-file="$LAB_RUN/mariadbd.pid" --log-error="$LAB_LOG/mariadb.err" --skip-log-bin
      --innodb-buffer-pool-size=64M --innodb-log-file-size=48M --innodb-use-native-aio=0
      --innodb-flush-log-at-trx-commit=2 --max-connections=400 --character-set-server=utf8mb4
      --collation-server=utf8mb4_general_ci --lc-messages-dir=/usr/share/mysql) ;;
    epmd) INFRA_ARGV=(/usr/bin/epmd -port "$EPMD_PORT" -address "$LAB_IP") ;;
    rabbitmq) INFRA_ARGV=(env "${RABBIT_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server) ;;
    stubs) INFRA_ARGV=("$PY" "$LAB_BIN/stubs.py" --host "$LAB_IP" --glance-port "$GLANCE_PORT"
      --neutron-port "$NEUTRON_PORT" --image-id "$STUB_IMAGE_ID") ;;
    *) return 1 ;;
  esac
}
RABBIT_ENV=(
  HOME="$LAB_DATA/rabbitmq"
  RABBITMQ_NODENAME=stackhop-lab@localhost
  RABBITMQ_NODE_IP_ADDRESS="$LAB_IP"
  RABBITMQ_NODE_PORT="$RABBIT_PORT"
  RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
  ERL_EPMD_PORT="$EPMD_PORT"
  ERL_EPMD_ADDRESS="$LAB_IP"
  RABBITMQ_CONF_ENV_FILE="$LAB_ETC/rabbitmq/rabbitmq-env.conf"
  RABBITMQ_CONFIG_FILE="$LAB_ETC/rabbitmq/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$LAB_ETC/rabbitmq/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$LAB_ETC/rabbitmq/enabled_plugins"
  RABBITMQ_MNESIA_BASE="$LAB_DATA/rabbitmq/mnesia"
  RABBITMQ_LOG_BASE="$LAB_LOG/rabbitmq"
  RABBITMQ_LOGS=-
  RABBITMQ_PID_FILE="$LAB_RUN/rabbitmq-beam.pid"
)

# ---- processes -----------------------------------------------------------------------------------
# Every lab process is the leader of its own session and process group (setsid), so the PID in its PID
# file is also its process-group id; stop signals the whole group (nova-api's worker, gunicorn's
# workers, beam.smp under rabbitmq-server). NAME.start holds the leader's start time, so a recycled
# PID is never taken for ours.

proc_starttime() { # PID -> start time in clock ticks (field 22 of /proc/PID/stat)
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  [[ $1 != Z ]] || return 1 # a zombie is not running
  echo "${20}"
}

proc_pid() { # PIDFILE -> prints the PID when the recorded process is alive
  local pf=$1 pid st
  [[ -s $pf ]] || return 1
  pid=$(head -n1 "$pf")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  st=$(proc_starttime "$pid") || return 1
  if [[ -s ${pf%.pid}.start ]] && [[ $(head -n1 "${pf%.pid}.start") != "$st" ]]; then return 1; fi
  echo "$pid"
}

group_alive() { # PGID: any non-zombie process left in the group?
  ps -e -o pgid=,stat= 2>/dev/null | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# proc_spawn PIDFILE LOGFILE ARGV...: starts ARGV in a new session, stdin from /dev/null, stdout and
# stderr appended to LOGFILE, every other inherited descriptor closed (an SSH session that called us
# can end at once), a clean environment. Records ARGV in NAME.cmd. Returns once the PID file exists.
proc_spawn() {
  local pf=$1 log=$2 pid i
  shift 2
  rm -f "$pf" "${pf%.pid}.start"
  printf '%q ' "$@" | sed 's/ $//' >"${pf%.pid}.cmd"
  echo >>"${pf%.pid}.cmd"
  # shellcheck disable=SC2016
  setsid /bin/bash -c '
    pf=$1; shift
    for fd in /proc/$$/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    cd /
    echo $$ >"$pf.tmp" && mv -f "$pf.tmp" "$pf"
    echo "=== $(date "+%F %T") start (pid $$): $*"
    exec env -i PATH='"$BASE_PATH"' HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@"' \
    lab-spawn "$pf" "$@" </dev/null >>"$log" 2>&1 &
  for ((i = 0; i < 200; i++)); do
    [[ -s $pf ]] && break
    sleep 0.05
  done
  [[ -s $pf ]] || return 1
  pid=$(head -n1 "$pf")
  proc_starttime "$pid" >"${pf%.pid}.start" || true
}

# proc_stop PIDFILE [SECONDS]: TERM the process group, KILL it after SECONDS (20), remove the PID file.
proc_stop() {
  local pf=$1 grace=${2:-20} pid cur i
  if [[ -s $pf ]]; then
    pid=$(head -n1 "$pf")
    if [[ $pid =~ ^[0-9]+$ ]]; then
      # A live process under that PID with another start time is not ours: leave it alone.
      if cur=$(proc_starttime "$pid") && [[ -s ${pf%.pid}.start ]] &&
        [[ $(head -n1 "${pf%.pid}.start") != "$cur" ]]; then
        :
      elif group_alive "$pid"; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        for ((i = 0; i < grace * 10; i++)); do
          group_alive "$pid" || break
          sleep 0.1
        done
        if group_alive "$pid"; then
          kill -KILL -- "-$pid" 2>/dev/null || true
          for ((i = 0; i < 50; i++)); do
            group_alive "$pid" || break
            sleep 0.1
          done
        fi
      fi
    fi
  fi
  rm -f "$pf" "${pf%.pid}.start"
}

http_answers() { # URL: any HTTP answer at all
  local code
  code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null) || true
  [[ -n $code && $code != 000 ]]
}
tcp_open() { (exec 3<>"/dev/tcp/$LAB_IP/$1") 2>/dev/null; }

# ---- units ---------------------------------------------------------------------------------------
unit_pidfile() { echo "$LAB_HOSTS/$1/run/$2.pid"; }
unit_logfile() { echo "$LAB_HOSTS/$1/log/$2.log"; }

# unit_start HOST UNIT: prints and returns like sysvinit's `service UNIT start`.
unit_start() {
  local host=$1 unit=$2 pf log pid port i
  pf=$(unit_pidfile "$host" "$unit")
  log=$(unit_logfile "$host" "$unit")
  if pid=$(proc_pid "$pf"); then
    echo "$unit is already running"
    return 0
  fi
  # Leftovers of a dead leader (an orphaned worker still holding the port) go first.
  proc_stop "$pf" 5
  port=$(unit_port "$unit")
  if [[ -n $port ]] && tcp_open "$port"; then
    echo "$unit: port $port is already in use by a process that is not this unit's" >&2
    return 1
  fi
  mkdir -p "${pf%/*}" "${log%/*}"
  unit_argv "$host" "$unit"
  proc_spawn "$pf" "$log" "${UNIT_ARGV[@]}" || { echo "$unit: could not start" >&2; return 1; }
  pid=$(head -n1 "$pf")
  local deadline=$((SECONDS + 60))
  for ((i = 0; ; i++)); do
    ((SECONDS < deadline)) || break
    if ! proc_pid "$pf" >/dev/null; then
      echo "$unit: exited at start; last lines of $log:" >&2
      tail -n 15 "$log" >&2
      rm -f "$pf" "${pf%.pid}.start"
      return 1
    fi
    if [[ -z $port ]]; then
      ((i >= 5)) && break # alive after 0.5 s
    elif http_answers "http://$LAB_IP:$port/"; then
      break
    fi
    sleep 0.1
  done
  if [[ -n $port ]] && ! http_answers "http://$LAB_IP:$port/"; then
    echo "$unit: started (pid $pid) but port $port did not answer within 60 s" >&2
    return 1
  fi
  echo "Starting $unit: $unit (pid $pid)."
}

unit_stop() {
  local pf
  pf=$(unit_pidfile "$1" "$2")
  if proc_pid "$pf" >/dev/null || [[ -e $pf ]]; then
    proc_stop "$pf" 20
    echo "Stopping $2: $2."
  else
    echo "$2 is not running"
  fi
}

unit_status() {
  local pid
  if pid=$(proc_pid "$(unit_pidfile "$1" "$2")"); then
    echo "$2 is running (pid $pid)"
    return 0
  fi
  echo "$2 is not running"
  return 3
}

# ---- infrastructure (not a unit of any host) -----------------------------------------------------
infra_pidfile() { echo "$LAB_RUN/$1.pid"; }

infra_ready() {
  case $1 in
    mariadb) [[ -S $DB_SOCKET ]] && mariadb-admin --no-defaults --socket="$DB_SOCKET" -uroot ping >/dev/null 2>&1 ;;
    epmd) tcp_open "$EPMD_PORT" ;;
    rabbitmq) tcp_open "$RABBIT_PORT" ;;
    stubs) http_answers "http://$LAB_IP:$GLANCE_PORT/" && http_answers "http://$LAB_IP:$NEUTRON_PORT/" ;;
  esac
}

infra_start() {
  local unit=$1 pf log i port
  pf=$(infra_pidfile "$unit")
  log=$LAB_LOG/$unit.log
  if proc_pid "$pf" >/dev/null; then
    return 0
  fi
  proc_stop "$pf" 5
  port=$(unit_port "$unit")
  if tcp_open "$port"; then
    die "$unit: port $port on $LAB_IP is taken by a process that is not the lab's"
  fi
  mkdir -p "$LAB_RUN" "$LAB_LOG"
  infra_argv "$unit"
  proc_spawn "$pf" "$log" "${INFRA_ARGV[@]}" || die "$unit: could not start"
  local deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    proc_pid "$pf" >/dev/null || {
      tail -n 20 "$log" >&2
      [[ $unit == mariadb ]] && tail -n 20 "$LAB_LOG/mariadb.err" >&2
      die "$unit exited at start (log: $log)"
    }
    infra_ready "$unit" && return 0
    sleep 0.1
  done
  die "$unit did not become ready in 120 s (log: $log)"
}

infra_stop() { proc_stop "$(infra_pidfile "$1")" 20; }

infra_status() {
  local pid
  if pid=$(proc_pid "$(infra_pidfile "$1")"); then
    echo "$1 is running (pid $pid)"
    return 0
  fi
  echo "$1 is not running"
  return 3
}

# ---- misc ----------------------------------------------------------------------------------------
# lab_api ARGS...: the REST helper, with the admin credentials of openrc in its environment.
lab_api() {
  (
    set +u
    # shellcheck disable=SC1091
    . "$LAB_DIR/openrc"
    exec "$PY" "$LAB_SRC/labapi.py" "$@"
  )
}

mysql_root() { mariadb --defaults-extra-file="$DB_CNF" "$@"; }

pkg_version() { dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null | awk '$3 == "installed" { print $4 }'; }

old_installed() { # all OLD versions (and the extra packages) installed?
  local p
  for p in "${LAB_PKGS[@]}"; do [[ $(pkg_version "$p") == "${LAB_OLD[$p]}" ]] || return 1; done
  for p in "${LAB_EXTRA_PKGS[@]}"; do [[ -n $(pkg_version "$p") ]] || return 1; done
}

# apt_install ARGS...: apt-get install with services kept from starting (policy-rc.d exit 101, removed
# afterwards only when we created it).
apt_install() {
  local made=0 rc=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made=1
  fi
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends --allow-downgrades \
    -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold "$@" || rc=$?
  ((made)) && rm -f /usr/sbin/policy-rc.d
  return $rc
}

install_old() {
  local p args=()
  for p in "${LAB_PKGS[@]}"; do args+=("$p=${LAB_OLD[$p]}"); done
  apt_install "${args[@]}" "$@"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
