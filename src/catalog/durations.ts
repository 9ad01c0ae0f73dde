// Default step durations in seconds, used for estimates and the twin until measured runs replace
// them. No source gives Havana→Icehouse timings (facts §9): every number here is our assumption,
// sized for a healthy host on a LAN mirror, and each comment says what it assumes.

import type { DurationDefaults } from './types.js';

export const DEFAULT_DURATIONS: DurationDefaults = {
  // tar/cp of /etc/<project> directories: a few MB of small files.
  'backup-config': 5,
  // Remove/add a repository entry and refresh the package index from a nearby mirror.
  'switch-repository': 30,
  // Download + unpack one service's packages (and its common/python packages) from a LAN mirror,
  // including postinst scripts; dominated by python byte-compilation.
  'upgrade-packages': 120,
  // A full `apt-get dist-upgrade` / `yum upgrade` of a host in the final clean-up: every remaining
  // OpenStack package plus distro updates.
  'upgrade-packages-full': 300,
  // `service <unit> stop` for a host's units: init scripts wait for the daemons to exit.
  'stop-services': 10,
  // Start and let the daemons load config and connect to the broker (not yet reporting up).
  'start-services': 20,
  // A stop and a start, plus slack for slow shutdowns (apache with many Horizon workers).
  'restart-services': 25,
  // Read, modify and atomically rewrite one or a few config files over ssh.
  'edit-config': 5,
  // One config edit in nova.conf; the restart that loads it is its own step.
  'set-rpc-pin': 5,
  'clear-rpc-pin': 5,
  // One os-services API call each.
  'disable-compute': 5,
  'enable-compute': 5,
  // Services report in within one report interval (nova service_down_time default 60 s, neutron
  // agent_down_time 75 s): half a minute is the typical wait after a start.
  'wait-services': 30,
  // API calls and service listings; a smoke boot is estimated separately by the planner if used.
  verify: 30,
  // An operator approval has no intrinsic duration; the estimate excludes human time.
  gate: 0,
  // A few keystone endpoint-create calls.
  'register-endpoint': 10,
  // Rewrite a compute's nova.conf for the new environment and restart it.
  'retarget-compute': 60,
  // Stop and disable the old services and delete their service records.
  decommission: 30,
  // mysqldump with --opt to local disk: ~20 MB/s on 2014-era hardware.
  dump_bytes_per_s: 20 * 1024 * 1024,
  // Average InnoDB row as dumped SQL text (instances rows are wider, token rows carry ~1 KB of
  // catalog JSON in PKI deployments; 500 B is a blended middle).
  dump_bytes_per_row: 500,
  // Connect, lock tables, write headers, and flush per database.
  dump_fixed_s: 10,
  // Per live migration: scheduling, pre-migration checks and the final switch-over; the RAM copy
  // (instance RAM / migration bandwidth) is added on top.
  migration_overhead_s: 20,
  // Per instance moved into the new environment (parallel-compute): snapshot upload, boot from the
  // snapshot in the new region and floating-IP re-association (RH5 parallel-nova).
  redeploy_per_instance_s: 180,
};
