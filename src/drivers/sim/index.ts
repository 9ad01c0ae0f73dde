// The twin (DESIGN §7 "Simulated"): a discrete-event model of the cloud on a virtual clock, deterministic
// for a seed, implementing the engine's Driver port. See docs/twin.md for what it models.

export { type Fault, type FaultKind, parseFault } from './faults.js';
export type { ComputeControl, TwinMetrics } from './metrics.js';
export { openTwinStore, type StoredEffect, TWIN_STORE_FILE, type TwinMeta, TwinStore } from './store.js';
export { Twin, type TwinOptions } from './twin.js';
export type { HostView, ServiceView, TwinView } from './view.js';
