// Database credentials come from the environment, never from the inventory, the plan or a command
// line (where `ps` and the journal would show them). When set, they reach the DB host as a 0600
// option file that lives only as long as the command.

import { quote } from '../ssh/shell-quote.js';

export interface MysqlCredentials {
  user: string;
  password: string;
  host?: string;
  port?: number;
}

/** STACKHOP_DB_USER / STACKHOP_DB_PASSWORD (/ _HOST / _PORT); undefined lets the DB host's own ~/.my.cnf or socket auth apply. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): MysqlCredentials | undefined {
  const password = env.STACKHOP_DB_PASSWORD;
  if (password === undefined || password === '') return undefined;
  const port = env.STACKHOP_DB_PORT;
  return {
    user: env.STACKHOP_DB_USER ?? 'root',
    password,
    ...(env.STACKHOP_DB_HOST !== undefined && env.STACKHOP_DB_HOST !== ''
      ? { host: env.STACKHOP_DB_HOST }
      : {}),
    ...(port !== undefined && /^\d+$/.test(port) ? { port: Number(port) } : {}),
  };
}

/** The option file's text: MySQL option files take the value verbatim after `=`, quoted if needed. */
export function optionFile(c: MysqlCredentials): string {
  const esc = (v: string) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  if ([c.user, c.password, c.host ?? ''].some((v) => /[\r\n]/.test(v))) {
    throw new Error('database credentials cannot contain a line break');
  }
  return [
    '[client]',
    `user=${esc(c.user)}`,
    `password=${esc(c.password)}`,
    ...(c.host !== undefined ? [`host=${esc(c.host)}`] : []),
    ...(c.port !== undefined ? [`port=${c.port}`] : []),
    '',
  ].join('\n');
}

/**
 * `--defaults-file=F` (the first option of mysql/mysqldump): only that file is read. With
 * --defaults-extra-file the DB host's own ~/.my.cnf would be read after it and win, so a root login
 * there would silently replace the credentials the operator gave.
 */
export function defaultsArg(optionFilePath: string | undefined): string {
  return optionFilePath === undefined ? '' : ` --defaults-file=${quote(optionFilePath)}`;
}
