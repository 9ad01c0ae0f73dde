#!/bin/bash
# down.sh [UNIT|HOST|HOST:UNIT|mariadb|rabbitmq|epmd|stubs ...]
# Without arguments: stops every lab process (every host's units, the stubs, RabbitMQ and its epmd,
# MariaDB) through the PID files (TERM to the process group, KILL after 20 s), then checks with ps that
# nothing of the lab is left. STACKHOP_LAB_PURGE=1 also deletes the lab dir. Packages stay installed.
# With arguments: stops only those (a unit name means that unit on every host that runs it).
set -euo pipefail
. "$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)/common.sh"
[[ $EUID -eq 0 ]] || die "down.sh must run as root"
T0=$(now)

stop_units() { # HOST:UNIT ... in parallel
  local hu pids=()
  for hu in "$@"; do
    (proc_stop "$(unit_pidfile "${hu%%:*}" "${hu#*:}")" 20) &
    pids+=($!)
  done
  for hu in "${pids[@]}"; do wait "$hu" || true; done
}

if (($#)); then
  targets=()
  infra=()
  for a in "$@"; do
    if [[ " ${INFRA_UNITS[*]} " == *" $a "* ]]; then
      infra+=("$a")
    elif [[ $a == *:* ]]; then
      unit_known "${a%%:*}" "${a#*:}" || die "$a: unrecognized service"
      targets+=("$a")
    elif host_role "$a" >/dev/null 2>&1; then
      for u in $(host_units "$a"); do targets+=("$a:$u"); done
    else
      found=0
      for h in $(existing_hosts); do
        if unit_known "$h" "$a"; then targets+=("$h:$a"); found=1; fi
      done
      ((found)) || die "$a: unrecognized service"
    fi
  done
  ((${#targets[@]})) && stop_units "${targets[@]}"
  for ((i = ${#infra[@]} - 1; i >= 0; i--)); do infra_stop "${infra[i]}"; done
  lab_log "stopped: $* ($(elapsed "$T0") s)"
  exit 0
fi

[[ -d $LAB_DIR ]] || { lab_log "no lab at $LAB_DIR: nothing to stop"; exit 0; }
# Process groups on record, to check afterwards that none is left.
pgids=()
for pf in "$LAB_HOSTS"/*/run/*.pid "$LAB_RUN"/*.pid; do
  [[ -s $pf ]] && pgids+=("$(head -n1 "$pf")")
done
computes=()
ctl=()
for h in $(existing_hosts); do
  for u in $(host_units "$h"); do
    if [[ $h == "$CTL" ]]; then ctl+=("$h:$u"); else computes+=("$h:$u"); fi
  done
done
((${#computes[@]})) && stop_units "${computes[@]}"
((${#ctl[@]})) && stop_units "${ctl[@]}"
for ((i = ${#INFRA_UNITS[@]} - 1; i >= 0; i--)); do infra_stop "${INFRA_UNITS[i]}"; done

# Nothing of the lab may be left: a process of a recorded group, or a lab program whose command line
# names the lab dir or its epmd port (a unit started by hand, a PID file lost). Other processes that
# merely mention the dir (a `tail -f` of a log) are not ours to kill.
leftovers() {
  # (zombies are dead already: init reaps them)
  ps -e -o pid=,pgid=,stat=,args= | awk -v dir="$LAB_DIR/" -v epmd="epmd -port $EPMD_PORT" -v groups=" ${pgids[*]} " '
    $3 ~ /^Z/ || $4 == "awk" { next }
    index(groups, " " $2 " ") > 0 { print; next }
    index($0, epmd) > 0 { print; next }
    index($0, dir) > 0 && $0 ~ /(mariadbd|beam\.smp|erl_child_setup|bin\/nova-[a-z]+ --config-file|wsgi\.py|stubs\.py|rabbitmq-server)/ { print }'
}
left=$(leftovers || true)
if [[ -n $left ]]; then
  lab_log "killing leftovers:"
  echo "$left" >&2
  for p in $(awk '{ print $1 }' <<<"$left"); do kill -KILL "$p" 2>/dev/null || true; done
  sleep 1
  left=$(leftovers || true)
  [[ -z $left ]] || { echo "$left" >&2; die "lab processes still running"; }
fi
# Dead processes stay in ps as <defunct> until PID 1 reaps them (it does so lazily here): wait a little.
for ((i = 0; i < 100; i++)); do
  ps -e -o pgid=,stat= | awk -v groups=" ${pgids[*]} " 'index(groups, " " $1 " ") > 0 { f = 1 } END { exit !f }' || break
  sleep 0.1
done
if [[ ${STACKHOP_LAB_PURGE:-0} == 1 ]]; then
  rm -rf --one-file-system "$LAB_DIR"
  lab_log "purged $LAB_DIR"
fi
lab_log "lab down in $(elapsed "$T0") s: no lab process left"
