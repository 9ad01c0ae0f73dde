// What discovery could not learn for certain. Every guess and every gap becomes a mark: a `# discover:`
// line in the YAML and an entry of `marks` in the JSON, so nothing is silently assumed.

export type MarkKind = 'guessed' | 'unknown' | 'skipped';

export interface Mark {
  /** The inventory field it is about (`distro`, `upgrade.from`, `hosts.lab-ctl.address`) or the API. */
  field: string;
  kind: MarkKind;
  reason: string;
}

/** The mark as one comment line (without the leading `#`). */
export function markLine(m: Mark): string {
  switch (m.kind) {
    case 'guessed':
      return `discover: ${m.field} GUESSED — ${m.reason}`;
    case 'skipped':
      return `discover: ${m.field} SKIPPED — ${m.reason}`;
    default:
      return `discover: ${m.field}: ${m.reason}`;
  }
}

/** `a, b, c` or `a, b, c, … and 7 more`: names in a mark stay readable on large clouds. */
export function nameList(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, … and ${names.length - max} more`;
}
