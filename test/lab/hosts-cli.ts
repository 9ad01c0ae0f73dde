// `npm run lab:hosts`: the running lab's hosts reachable over SSH (as examples/zed-lab.yaml expects them)
// until Ctrl-C, for trying stackhop on the lab by hand. `bash lab/up.sh` first.

import { readLab, startLabHosts } from './lab.js';

const fleet = await startLabHosts(readLab());
for (const h of fleet.hosts) process.stdout.write(`${h.name}  ssh -p ${h.port} root@${h.address}\n`);
process.stdout.write('lab hosts up; Ctrl-C stops them (the lab itself keeps running: bash lab/down.sh)\n');
const stop = () => {
  fleet.stop().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await new Promise(() => undefined);
