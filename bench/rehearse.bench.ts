// Benchmark: rehearse live-compute on 10,000 computes and 200,000 instances, as `stackhop rehearse`
// does it (SQLite journal in a state directory, the twin's effect log beside it) or in memory
// (BENCH_STORE=memory: the journal and twin `compare` uses). Target (issue 3): < 10 s wall, < 1 GB RSS.
// Run: npm run bench   (BENCH_COMPUTES, BENCH_INSTANCES, BENCH_STORE=sqlite|memory)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG } from '../src/catalog/index.js';
import { parseInventory } from '../src/inventory/load.js';
import { rehearse } from '../src/rehearse/rehearse.js';
import { MemoryJournal } from '../src/store/memory-journal.js';
import { openSqliteJournal } from '../src/store/sqlite-journal.js';
import { benchInventoryYaml } from './support/inventory.js';

const COMPUTES = Number(process.env.BENCH_COMPUTES ?? 10_000);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 200_000);
const STORE = process.env.BENCH_STORE ?? 'sqlite';

const yaml = benchInventoryYaml(COMPUTES, INSTANCES);
const inventory = parseInventory(yaml, 'bench/cloud.yaml', CATALOG);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'stackhop-bench-'));
try {
  const t0 = performance.now();
  const journal =
    STORE === 'memory' ? new MemoryJournal() : openSqliteJournal(dir, { durability: 'process' });
  const r = await rehearse({
    inventory,
    inventoryText: yaml,
    catalog: CATALOG,
    scenario: 'live-compute',
    seed: 1,
    journal,
    runId: 'r20260101-000000-0000',
    ...(STORE === 'memory' ? {} : { twinDir: join(dir, 'twins', 'bench') }),
  });
  await journal.close();
  const wall = performance.now() - t0;
  const rss = process.resourceUsage().maxRSS / 1024;
  const m = r.metrics;
  console.log(
    `live-compute, ${COMPUTES} computes, ${INSTANCES} instances, ${STORE} stores: ${r.outcome.status}, ` +
      `${r.plan.steps.length} steps, ${m.live_migrations} live migrations, ${(r.outcome.finishedAt - r.outcome.startedAt) / 3_600_000} h virtual`,
  );
  console.log(
    `wall ${(wall / 1000).toFixed(2)} s (plan, check, engine, twin, journal), peak RSS ${rss.toFixed(0)} MB`,
  );
  console.log(`target: < 10 s and < 1024 MB → ${wall < 10_000 && rss < 1024 ? 'met' : 'NOT met'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
