// Terminal color policy, shared by every command that prints (and light enough to load at start-up).

/**
 * Whether to color the text view (DESIGN §8): never when NO_COLOR is set (any non-empty value, per
 * no-color.org), never when the output is not a terminal or TERM is `dumb`.
 */
export function wantColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if ((env.NO_COLOR ?? '') !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
