// Text as lines that remember their own line ending, so an edited file joins back byte for byte
// everywhere it was not edited: CRLF files stay CRLF, a missing final newline stays missing.

export type Eol = '' | '\n' | '\r\n';

export interface Line {
  text: string;
  eol: Eol;
}

export function splitLines(text: string): Line[] {
  if (text === '') return [];
  const pieces = text.split('\n');
  const last = pieces.pop() ?? '';
  const lines: Line[] = pieces.map((p) =>
    p.endsWith('\r') ? { text: p.slice(0, -1), eol: '\r\n' } : { text: p, eol: '\n' },
  );
  if (last !== '') lines.push({ text: last, eol: '' });
  return lines;
}

export function joinLines(lines: readonly Line[]): string {
  let out = '';
  for (const l of lines) out += l.text + l.eol;
  return out;
}

/** The ending new lines get: the file's first one, LF for a file without any. */
export function lineEnding(lines: readonly Line[]): '\n' | '\r\n' {
  for (const l of lines) if (l.eol !== '') return l.eol;
  return '\n';
}

export function detectEol(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Replaces `deleteCount` lines at `start` by new lines in the file's ending. Whether the file ends
 * with a newline is a property of the file, not of its last line, so it survives the splice.
 */
export function spliceLines(
  lines: Line[],
  start: number,
  deleteCount: number,
  texts: readonly string[],
): void {
  const eol = lineEnding(lines);
  const last = lines.at(-1);
  const noFinalNewline = last !== undefined && last.eol === '';
  if (last !== undefined) last.eol = last.eol === '' ? eol : last.eol;
  lines.splice(start, deleteCount, ...texts.map((text) => ({ text, eol })));
  const end = lines.at(-1);
  if (noFinalNewline && end !== undefined) end.eol = '';
}
