// What the *-manage version commands print, read the way each prints it: sqlalchemy-migrate projects a
// bare integer (`44`, while the catalog writes heads as `044`), alembic (neutron-db-manage current)
// `Current revision for mysql://…: havana -> icehouse (head), …` or just `icehouse (head)`.

export function parseSchemaVersion(stdout: string): string | undefined {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(INFO|WARNING|No handlers)/.test(l));
  const last = lines[lines.length - 1];
  if (last === undefined) return undefined;
  // alembic: the revision just before "(head)", or the last one an arrow points at.
  const head = /(\S+)\s+\(head\)/.exec(last);
  if (head?.[1] !== undefined) return head[1];
  // The URL holds colons too: the revision follows the first colon that a space follows.
  const current = /Current revision.*?:\s+(?:\S+\s*->\s*)?(\S+)/.exec(last);
  if (current?.[1] !== undefined) return current[1].replace(/,$/, '');
  return last.split(/\s+/)[0];
}

/** Heads compare as numbers when both are numbers (`44` is `044`), as text otherwise. */
export function sameHead(found: string | undefined, expected: string): boolean {
  if (found === undefined) return false;
  if (/^\d+$/.test(found) && /^\d+$/.test(expected)) return Number(found) === Number(expected);
  return found === expected;
}
