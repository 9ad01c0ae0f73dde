// Plain ANSI styling. With `color: false` every function is the identity, so piped output and NO_COLOR
// never carry escape codes. Styles wrap whole, already padded lines so alignment is never broken.

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const RESET = '\x1b[0m';

function wrap(code: string): (text: string) => string {
  return (text) => (text === '' ? text : `\x1b[${code}m${text}${RESET}`);
}

const identity = (text: string): string => text;

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: identity, dim: identity, red: identity, yellow: identity, cyan: identity };
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), yellow: wrap('33'), cyan: wrap('1;36') };
}
