// The inventory document as written (DESIGN §3), before ranges are expanded and roles resolved. Every object
// is strict: an unknown key is an error, because a silently ignored `hots:` or `max_parallel_compute:` would
// run an upgrade under settings the operator never chose. Defaults live here, next to the fields.

import { z } from 'zod';
import { DISTROS, NETWORKING_MODES, ROLES } from '../catalog/types.js';
import { ADDRESS_RULE, hasControlCharacter, isAddress, isUserName, USER_RULE } from './hostnames.js';

const CLOUD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PERCENT = /^(\d{1,3})%$/;
const TABLE = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

const nonEmpty = z.string().min(1, 'must not be empty');
const path = nonEmpty.refine(
  (p) => !hasControlCharacter(p),
  'a path must not contain control characters or newlines',
);
const hostRef = nonEmpty.refine(isAddress, `expected ${ADDRESS_RULE}`);
const count = z.int().min(0);

/** One `hosts:` / `spare_hosts:` entry. `name` and `address` may be ranges; they are checked after expansion. */
export const HostEntrySchema = z.strictObject({
  name: nonEmpty,
  /** Optional: without it the name is resolved as a host name. */
  address: nonEmpty.optional(),
  roles: z.array(z.enum(ROLES)).min(1, 'a host needs at least one role'),
  /** Replaces the services the roles imply (checked against the catalog's release). */
  services: z.array(nonEmpty).min(1, 'list at least one service, or leave `services` out').optional(),
});

export const SshSchema = z.strictObject({
  /** Default root, as the guides the operators follow run everything as root. */
  user: nonEmpty.refine(isUserName, `expected ${USER_RULE}`).default('root'),
  port: z.int().min(1).max(65535).default(22),
  identity_file: path.optional(),
  known_hosts: path.optional(),
  jump_host: hostRef.optional(),
});

const AuthSchema = z.strictObject({
  auth_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  username: nonEmpty.optional(),
  project_name: nonEmpty.optional(),
  user_domain_name: nonEmpty.optional(),
  project_domain_name: nonEmpty.optional(),
});

/**
 * Where the OpenStack APIs are: a clouds.yaml entry (`cloud`), or an auth block without any secret, or
 * nothing (the OS_* variables then apply, as for the openstack client). `auth_url` may also be given flat.
 */
export const OpenstackSchema = z
  .strictObject({
    cloud: nonEmpty.optional(),
    region: nonEmpty.optional(),
    auth_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    auth: AuthSchema.optional(),
    /**
     * The network the smoke-test boot attaches to: a network's UUID, or `none` (Nova ≥ 2.37) for a cloud
     * whose boots need no network. Default: Nova's own choice (the project's only network).
     */
    smoke_network: z
      .union([z.literal('none'), z.uuid({ error: 'expected a network UUID or `none`' })])
      .optional(),
  })
  .refine((o) => o.cloud === undefined || (o.auth === undefined && o.auth_url === undefined), {
    message: 'give either `cloud` (a clouds.yaml entry) or an auth block, not both',
    path: ['cloud'],
  })
  .refine((o) => o.auth === undefined || o.auth_url === undefined, {
    message: 'give `auth_url` once: either flat or inside `auth`',
    path: ['auth_url'],
  });

const CANARY_RULE = 'expected a batch size (a whole number ≥ 1) or a percentage "N%" with N from 1 to 100';
const CanaryStepSchema = z.union(
  [
    z.int().min(1, CANARY_RULE),
    z
      .string()
      .regex(PERCENT, CANARY_RULE)
      .refine((s) => {
        const n = Number(PERCENT.exec(s)?.[1]);
        return n >= 1 && n <= 100;
      }, CANARY_RULE),
  ],
  { error: CANARY_RULE },
);

export const PolicySchema = z.strictObject({
  /** Most computes out of service at once. Default 10. */
  max_parallel_computes: z.int().min(1).default(10),
  /** Batch sizes of the compute roll-out, as Ansible's `serial` list; the last one repeats. Default [1, 5, "20%"]. */
  canary: z.array(CanaryStepSchema).min(1, 'list at least one batch size').default([1, 5, '20%']),
  /** Failed hosts tolerated before the run stops starting new work. Default 2. */
  max_failed_hosts: z.int().min(0).default(2),
  /** How a compute is emptied before its nova-compute stops. Default live-migrate. */
  drain: z.enum(['live-migrate', 'wait', 'cold-migrate', 'none']).default('live-migrate'),
  /** Points where the run waits for an operator's approval. Default none. */
  gates: z.array(z.enum(['before-changes', 'after-controllers', 'after-canary'])).default([]),
});

export const FactsSchema = z.strictObject({
  instances: count.optional(),
  instance_ram_mb: count.optional(),
  migration_bandwidth_mbps: z.number().positive().optional(),
  /** `project.table` → rows; drives DB-migration and dump estimates. */
  db_rows: z.record(z.string().regex(TABLE, 'expected a `project.table` name'), count).default({}),
  /** service → installed version (`nova-compute: 2013.2.3`), checked in pre-flight. */
  versions: z.record(nonEmpty, z.union([nonEmpty, z.number()]).transform(String)).default({}),
  drain_wait_s: z.number().min(0).optional(),
});

export const InventoryDocSchema = z.strictObject({
  cloud: nonEmpty.regex(
    CLOUD_NAME,
    'expected letters, digits, ".", "_" and "-", starting with a letter or digit',
  ),
  upgrade: z.strictObject({ from: nonEmpty, to: nonEmpty }),
  distro: z.enum(DISTROS),
  networking: z.enum(NETWORKING_MODES),
  /** Default: user root, port 22, the ssh agent's keys. */
  ssh: SshSchema.prefault({}),
  /** Default: the OS_* environment variables. */
  openstack: OpenstackSchema.prefault({}),
  /** Where mysqldump/mysql run. Default: the first host with the `database` role, else the first controller. */
  database: z.strictObject({ host: hostRef }).optional(),
  hosts: z.array(HostEntrySchema).min(1, 'list at least one host'),
  /** parallel-compute only: new nodes that start the target-release Nova. Default none. */
  spare_hosts: z.array(HostEntrySchema).default([]),
  /** Optional; discovered from the cloud when absent. */
  facts: FactsSchema.prefault({}),
  policy: PolicySchema.prefault({}),
});

export type InventoryDoc = z.infer<typeof InventoryDocSchema>;
export type HostEntry = z.infer<typeof HostEntrySchema>;
