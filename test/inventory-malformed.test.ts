// Every malformed inventory under test/fixtures/bad-inventories must fail with exactly one InputError that
// points at the right line, names the field and exits 2. Each fixture states what it expects in its first
// line: `# expect: line N [field F] [contains TEXT]`.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import type { Catalog } from '../src/catalog/types.js';
import { InputError } from '../src/errors.js';
import { loadInventory } from '../src/inventory/load.js';
import { TEST_CATALOG } from './helpers/inventory-catalog.js';

const DIR = join(import.meta.dirname, 'fixtures', 'bad-inventories');
const EXPECT = /^# expect: line (\d+)(?: field (\S+))?(?: contains (.+))?$/;

interface Expectation {
  file: string;
  line: number;
  field: string;
  contains: string | undefined;
}

function expectations(): Expectation[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = join(DIR, name);
      const header = readFileSync(file, 'utf8').split('\n')[0] ?? '';
      const m = EXPECT.exec(header);
      if (m === null)
        throw new Error(`${name}: first line must be "# expect: line N [field F] [contains TEXT]"`);
      return { file, line: Number(m[1]), field: m[2] ?? '', contains: m[3] };
    });
}

async function failure(file: string, catalog: Catalog): Promise<InputError> {
  try {
    await loadInventory(file, catalog);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
}

const cases = expectations();

describe('malformed inventories', () => {
  it('has at least 14 fixtures', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(cases.map((c) => [c.file.slice(DIR.length + 1), c] as const))('%s', async (_name, c) => {
    const err = await failure(c.file, TEST_CATALOG);
    expect(err.message.startsWith(`${c.file}:${c.line}:`), err.message).toBe(true);
    expect(err.location.line).toBe(c.line);
    expect(err.location.col).toBeGreaterThan(0);
    expect(err.field).toBe(c.field);
    if (c.field !== '') expect(err.message).toContain(`: ${c.field}: `);
    if (c.contains !== undefined) expect(err.message).toContain(c.contains);
    expect(err.exitCode).toBe(2);
    expect(err.message).not.toMatch(/\n\s+at /);
  });
});

describe('malformed inventories against the real catalog', () => {
  it.each(cases.map((c) => [c.file.slice(DIR.length + 1), c] as const))('%s', async (_name, c) => {
    const err = await failure(c.file, CATALOG);
    expect(err.message.startsWith(`${c.file}:${c.line}:`), err.message).toBe(true);
    expect(err.exitCode).toBe(2);
  });
});
