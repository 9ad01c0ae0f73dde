// Durations as an operator reads them: one or two units, rounded to the smaller one. Estimates are
// rough, so `1 h 05 min` is more honest than `1 h 4 min 37 s`.

const MINUTE = 60;
const HOUR = 60 * MINUTE;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `45 s`, `12 min`, `1 h 05 min`, `2 d 03 h`. Negative or non-finite input renders as `?`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  // Round at the unit that will be shown, then re-check the unit: 59.6 s is `1 min`, not `60 s`.
  const s = Math.round(seconds);
  if (s < MINUTE) return `${s} s`;
  const minutes = Math.round(s / MINUTE);
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ${two(minutes % 60)} min`;
  const hours = Math.round(s / HOUR);
  return `${Math.floor(hours / 24)} d ${two(hours % 24)} h`;
}
