// Init-script commands (`service <unit> <verb>`, the same on Ubuntu's upstart and RHEL 6's SysV) and
// how to read their answers: upstart's `status` exits 0 even for a stopped job, so the words count.

import { shellCommand } from '../../ssh/shell-quote.js';

export type ServiceVerb = 'start' | 'stop' | 'restart' | 'status';

export function serviceCommand(unit: string, verb: ServiceVerb): string {
  return shellCommand(['service', unit, verb]);
}

export type UnitState = 'running' | 'stopped' | 'unknown-unit';

export function parseStatus(code: number, stdout: string, stderr: string): UnitState {
  const text = `${stdout}\n${stderr}`;
  if (/unrecognized service|Unknown job|not found/i.test(text)) return 'unknown-unit';
  if (code !== 0) return 'stopped';
  if (/stop\/waiting|not running|is stopped|dead/i.test(text)) return 'stopped';
  return 'running';
}
