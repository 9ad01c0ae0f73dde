// INTERIM HTTP stand-in for the OpenStack APIs the real driver calls; see README.md.

export type { StandinApi } from './keystone.js';
export type { MigrationFault } from './live-migration.js';
export type { RequestRecord, Standin, StandinOptions } from './server.js';
export { startStandin } from './server.js';
export type { ComputeSpec, MigrationSpec, ServerSpec, ServiceUp, State, User } from './state.js';
