// A discovered inventory as commented YAML: a header that lists every mark (`# discover: …`), a short
// comment beside each guessed top-level field, one line per host. Pure.

import { Document, isMap, isNode, isScalar, isSeq, type Pair } from 'yaml';
import type { DiscoveredInventory } from './build.js';
import { type Mark, markLine } from './marks.js';

/** Hosts listing at most this many services stay on one line. */
const FLOW_SERVICES = 3;

/** Top-level fields a mark can be about, for the comment beside the field. */
const TOP_FIELDS = ['cloud', 'upgrade', 'distro', 'networking', 'openstack'] as const;

function topField(mark: Mark): string | undefined {
  const head = mark.field.split('.')[0];
  return TOP_FIELDS.find((f) => f === head);
}

function header(doc: DiscoveredInventory, marks: readonly Mark[]): string {
  const lines = [
    ` stackhop inventory of ${doc.cloud}, discovered from its APIs (stackhop discover).`,
    ' Every "discover:" line below is a guess or a gap: check each, edit the file, then run',
    ' `stackhop validate` on it. Secrets never go in this file.',
    '',
    ...(marks.length === 0 ? [' discover: nothing was guessed'] : marks.map((m) => ` ${markLine(m)}`)),
  ];
  return lines.join('\n');
}

function pairOf(doc: Document, key: string): Pair<unknown, unknown> | undefined {
  const contents = doc.contents;
  if (!isMap(contents)) return undefined;
  return contents.items.find((p) => isScalar(p.key) && p.key.value === key) as
    | Pair<unknown, unknown>
    | undefined;
}

export function renderInventory(inventory: DiscoveredInventory, marks: readonly Mark[]): string {
  const doc = new Document(inventory);
  doc.commentBefore = header(inventory, marks);
  for (const key of ['upgrade', 'openstack']) {
    const value = pairOf(doc, key)?.value;
    if (isMap(value)) value.flow = true;
  }
  const hosts = pairOf(doc, 'hosts')?.value;
  if (isSeq(hosts)) {
    for (const item of hosts.items) {
      if (!isMap(item)) continue;
      // One line per host unless its services list is long: then a block with flow lists.
      const services = item.get('services', true);
      item.flow = !isSeq(services) || services.items.length <= FLOW_SERVICES;
      for (const p of item.items) if (isSeq(p.value)) p.value.flow = true;
    }
  }
  const guessed = new Map<string, string[]>();
  for (const m of marks) {
    const field = topField(m);
    if (field === undefined) continue;
    guessed.set(field, [...(guessed.get(field) ?? []), m.kind === 'guessed' ? 'GUESSED' : m.kind]);
  }
  for (const [field, kinds] of guessed) {
    const node = pairOf(doc, field)?.value;
    if (isNode(node)) node.comment = ` ${[...new Set(kinds)].join(', ')}: see the discover lines above`;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
