#!/bin/bash
# Puts a lab that stackhop upgraded (or half-upgraded) back to its starting state: every host's units
# stopped, the OLD package versions reinstalled, each host's config dirs restored from the pristine
# copies up.sh took (contents copied into the same directories, which stay: they are bind-mounted
# elsewhere), every unit started, every nova-compute enabled, all services up and every lab server
# ACTIVE on its home compute (moved ones migrated back, lost or broken ones recreated).
set -euo pipefail
. "$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)/common.sh"
[[ $EUID -eq 0 ]] || die "reset.sh must run as root"
[[ -r $LAB_DIR/openrc && -d $LAB_PRISTINE/$CTL ]] || die "no lab at $LAB_DIR (run lab/up.sh)"
T0=$(now)
export LAB_SPC LAB_STUB_IMAGE_ID=$STUB_IMAGE_ID
mapfile -t COMPUTES < <(compute_hosts)

par() { # runs "HOST UNIT VERB" triples through lab-service in parallel; fails if one failed
  local pids=() t rc=0
  for t in "$@"; do
    # shellcheck disable=SC2086
    "$LAB_SRC/bin/lab-service" $t >/dev/null &
    pids+=($!)
  done
  for t in "${pids[@]}"; do wait "$t" || rc=1; done
  return $rc
}

# 1. infrastructure up (a no-op when it runs), every OpenStack unit down.
"$LAB_SRC/bin/lab-infra" start >/dev/null
stops=()
for h in $(all_hosts); do
  for u in $(host_units "$h"); do stops+=("$h $u stop"); done
done
par "${stops[@]}"
lab_log "units stopped ($(elapsed "$T0") s)"

# 2. the OLD packages.
if old_installed; then
  lab_log "packages: OLD versions installed"
else
  for p in "${LAB_PKGS[@]}"; do lab_log "packages: $p $(pkg_version "$p") -> ${LAB_OLD[$p]}"; done
  install_old >"$LAB_LOG/reset-apt.log" 2>&1 || { tail -n 20 "$LAB_LOG/reset-apt.log" >&2; die "apt-get failed"; }
  old_installed || die "the OLD versions are not installed after apt-get (see $LAB_LOG/reset-apt.log)"
fi

# 3. config dirs from the pristine copies: same directories, same files (rewritten in place), files that
#    were not there at the start removed.
for h in $(all_hosts); do
  for pdir in "$LAB_PRISTINE/$h"/*/; do
    svc=$(basename "$pdir")
    live=$LAB_HOSTS/$h/etc/$svc
    mkdir -p "$live"
    find "$live" -mindepth 1 -maxdepth 1 | while read -r f; do
      [[ -e $pdir/$(basename "$f") ]] || rm -rf -- "$f"
    done
    for f in "$pdir"*; do
      t=$live/$(basename "$f")
      if [[ -d $t && ! -L $t ]]; then rm -rf -- "$t"; fi
      cmp -s "$f" "$t" || cat "$f" >"$t"
      chown "root:$svc" "$t"
      chmod 640 "$t"
    done
    chown "root:$svc" "$live"
    chmod 750 "$live"
  done
done
lab_log "config restored from $LAB_PRISTINE ($(elapsed "$T0") s)"

# 4. every unit started (in parallel), computes enabled, services up, servers home.
starts=()
for h in $(all_hosts); do
  for u in $(host_units "$h"); do starts+=("$h $u start"); done
done
T_STARTED=$(now)
par "${starts[@]}" || die "a unit did not start (see $LAB_HOSTS/*/log/)"
lab_log "units started ($(elapsed "$T0") s)"
# A fresh heartbeat first (enabling a service also bumps its updated_at), then enable.
lab_api wait-services "${COMPUTES[@]}" --since "$T_STARTED" --timeout 120
lab_api enable-computes "${COMPUTES[@]}"
lab_api rehome "${COMPUTES[@]}" --timeout 120
lab_log "lab reset in $(elapsed "$T0") s"
