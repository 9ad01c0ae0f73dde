// The machine's MariaDB (127.0.0.1:3306, root, no password), started when it is down, as the machine
// notes say (`start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`). Tests that
// need it fail, rather than skip, when it cannot be reached.

import { spawnSync } from 'node:child_process';

function reachable(): boolean {
  return (
    spawnSync('mysql', ['-h', '127.0.0.1', '-P', '3306', '-u', 'root', '-N', '-e', 'SELECT 1'], {
      stdio: 'ignore',
    }).status === 0
  );
}

export async function ensureMachineMariadb(): Promise<void> {
  if (reachable()) return;
  spawnSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (reachable()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the machine MariaDB (127.0.0.1:3306) is down and did not start');
}
