// Commands of one step: each is announced in the step's output with its exit code and duration (the
// journal shows what ran), output streams line by line, and every line is redacted first.

import type { StepContext } from '../../engine/driver.js';
import { StepFailure } from '../../engine/driver.js';
import type { ExecResult } from '../ssh/connection.js';
import { RemoteError } from '../ssh/errors.js';
import type { RealContext } from './real-context.js';

export interface RunOptions {
  timeoutMs?: number;
  stdin?: string;
  /** Shown instead of the command (when it carries a value that must not be printed). */
  label?: string;
  /** Do not stream stdout (large listings parsed by the driver). */
  quiet?: boolean;
}

export class StepIO {
  constructor(
    readonly rc: RealContext,
    readonly ctx: StepContext,
  ) {}

  note(line: string): void {
    this.ctx.output(this.rc.redactor.redact(line));
  }

  /** Runs a command; a non-zero exit is returned, a transport failure throws StepFailure. */
  async run(host: string, command: string, o: RunOptions = {}): Promise<ExecResult> {
    const shown = this.rc.redactor.redact(o.label ?? command);
    this.note(`[${host}] $ ${shown}`);
    try {
      const r = await this.rc.exec.exec(host, command, {
        signal: this.ctx.signal,
        ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
        ...(o.stdin !== undefined ? { stdin: o.stdin } : {}),
        onLine: (stream, line) => {
          if (stream === 'stderr' || o.quiet !== true)
            this.note(stream === 'stderr' ? `  ! ${line}` : `  ${line}`);
        },
      });
      this.note(`[${host}] exit ${r.code} in ${formatDuration(r.durationMs)}`);
      return r;
    } catch (err) {
      throw this.failure(err, shown);
    }
  }

  /** Runs a command that must exit 0. */
  async must(host: string, command: string, o: RunOptions = {}): Promise<ExecResult> {
    const r = await this.run(host, command, o);
    if (r.code !== 0) {
      const shown = this.rc.redactor.redact(o.label ?? command);
      throw new StepFailure(`${host}: command failed with exit code ${r.code}`, {
        command: shown,
        exitCode: r.code,
        stderrTail: this.rc.redactor.redact(tail(r.stderr || r.stdout)),
      });
    }
    return r;
  }

  failure(err: unknown, command?: string): StepFailure {
    if (err instanceof StepFailure) return err;
    const message = this.rc.redactor.redact(err instanceof Error ? err.message : String(err));
    if (err instanceof RemoteError) {
      return new StepFailure(message, {
        ...(command !== undefined ? { command } : {}),
        permanent: err.permanent,
      });
    }
    return new StepFailure(message, command !== undefined ? { command } : {});
  }
}

export function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
