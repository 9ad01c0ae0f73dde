// Run ids: `r` + UTC date and time + 4 hex digits, e.g. `r20261125-171503-4f2a`. They sort by creation
// time, fit in a terminal column, and two runs started in the same second collide once in 65,536 (the
// journal refuses a duplicate id, so a collision is an error, never a mix-up).

const RUN_ID = /^r(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-[0-9a-f]{4}$/;

/** `random` returns a number in [0, 1), like Math.random. */
export function newRunId(now: Date, random: () => number): string {
  const t = now.getTime();
  if (!Number.isFinite(t)) throw new RangeError('newRunId: invalid date');
  const d = new Date(t);
  const date = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
  const n = Math.min(0xffff, Math.max(0, Math.floor(random() * 0x10000)));
  return `r${date}-${time}-${n.toString(16).padStart(4, '0')}`;
}

/** A well-formed run id with a real UTC date and time (the CLI rejects anything else). */
export function isRunId(s: string): boolean {
  const m = RUN_ID.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month - 1 &&
    d.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
