// Commands run as a service's own user, the way the install guides run db syncs: files a sync
// creates (logs, lock files) then belong to that user, not to root.

import { quote } from '../../ssh/shell-quote.js';

/**
 * `su -s /bin/sh -c CMD USER`: the service users have /bin/false as their shell, hence `-s`. CMD is a
 * catalog command (reviewed data), passed as one quoted argument.
 */
export function asUser(user: string | undefined, command: string): string {
  if (user === undefined) return command;
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new Error(`not a user name: ${user}`);
  return `su -s /bin/sh -c ${quote(command)} ${user}`;
}
