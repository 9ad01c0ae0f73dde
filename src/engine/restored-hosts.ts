// Computes a stopped run put back into service. On resume their `disable-compute` step runs again
// (it is idempotent) unless their upgrade had finished; only the event stream records them.

import type { Journal } from './journal.js';

const PAGE = 5000;

export async function restoredHosts(journal: Journal, runId: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let from = 0; ; from += PAGE) {
    const page = await journal.events(runId, from, PAGE);
    for (const e of page) {
      if (e.type === 'compute-restored' && e.enabled) out.add(e.host);
    }
    if (page.length < PAGE) return out;
  }
}
