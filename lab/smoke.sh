#!/bin/bash
# REST smoke checks against the running lab: token, os-services all up, disable/enable a compute (2.1
# form), live migration away and back (2.1 form, then 2.25/2.30 with block_migration auto). Deletes
# nothing of the lab's. Prints PASS/FAIL per check and "N passed, N failed"; exits 1 on a failure.
set -euo pipefail
. "$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)/common.sh"
[[ -r $LAB_DIR/openrc ]] || die "no lab at $LAB_DIR (run lab/up.sh)"
mapfile -t hosts < <(compute_hosts)
export LAB_SPC LAB_STUB_IMAGE_ID=$STUB_IMAGE_ID
T0=$(now)
rc=0
lab_api smoke "${hosts[@]}" || rc=$?
echo "smoke: $(elapsed "$T0") s"
exit $rc
