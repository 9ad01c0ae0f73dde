// Commands reach a remote shell as one string. Every argument is quoted here, so no value from an
// inventory, a plan or a catalog can ever be read by that shell as syntax.

/** Quotes one argument for a POSIX shell: bare when it is plainly safe, single-quoted otherwise. */
export function quote(arg: string): string {
  if (arg.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** An argument vector as one shell command line. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quote).join(' ');
}

/**
 * A pipeline or sequence of already-quoted commands, joined by a shell operator. Only the operators
 * listed can be used, so a caller cannot splice arbitrary syntax.
 */
export function joinCommands(op: '&&' | '||' | ';' | '|', commands: readonly string[]): string {
  return commands.join(` ${op} `);
}
