// One error type for every config edit refused or impossible. It names only what the edit knows (op,
// section, key, line): the driver knows the host and the path and adds them with `inFile`.

import type { ConfigEditOp } from '../../catalog/types.js';
import { StackhopError } from '../../errors.js';

export interface ConfigEditContext {
  op?: ConfigEditOp['op'];
  section?: string;
  key?: string;
  /** 1-based line of the file, when the file itself is the problem. */
  line?: number;
  /** Added by the driver. */
  file?: { host: string; path: string };
}

export class ConfigEditError extends StackhopError {
  readonly context: ConfigEditContext;
  /** The message without the context prefix, so `inFile` can rebuild it. */
  readonly detail: string;

  constructor(
    detail: string,
    context: ConfigEditContext = {},
    opts: { hint?: string; cause?: unknown } = {},
  ) {
    super('ERR_CONFIG_EDIT', `${prefix(context)}${detail}`, opts);
    this.name = 'ConfigEditError';
    this.context = context;
    this.detail = detail;
  }

  /** The same error located on a host's file, for the run's report. */
  inFile(host: string, path: string): ConfigEditError {
    return new ConfigEditError(
      this.detail,
      { ...this.context, file: { host, path } },
      { ...(this.hint === undefined ? {} : { hint: this.hint }), cause: this },
    );
  }
}

function prefix(c: ConfigEditContext): string {
  const parts = [
    c.file === undefined
      ? undefined
      : `${c.file.host}:${c.file.path}${c.line === undefined ? '' : `:${c.line}`}`,
    c.file === undefined && c.line !== undefined ? `line ${c.line}` : undefined,
    c.op,
    c.section === undefined ? undefined : `[${c.section}]`,
    c.key,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? '' : `${parts.join(' ')}: `;
}

const LINE_BREAK = /[\r\n]/;

/**
 * Values, keys and names are written into line-oriented files: a line break would add a line of the
 * writer's choosing (a key, a section). The value is not echoed: it may be a secret.
 */
export function assertSingleLine(text: string, what: string, context: ConfigEditContext): void {
  if (LINE_BREAK.test(text)) {
    throw new ConfigEditError(
      `${what} contains a line break; refusing to write it (it would add lines)`,
      context,
    );
  }
}

/** A map whose new value is also an old one would change the file again on the next run. */
export function assertIdempotentMap(map: Readonly<Record<string, string>>, context: ConfigEditContext): void {
  for (const [from, to] of Object.entries(map)) {
    assertSingleLine(to, `map value for '${from}'`, context);
    if (to !== from && Object.hasOwn(map, to) && map[to] !== to) {
      throw new ConfigEditError(
        `map sends '${from}' to '${to}', which it maps again to '${map[to]}': a second run would change the file again`,
        context,
      );
    }
  }
}

/** The new value for `value` under `map`, own keys only (a value named `constructor` is not special). */
export function mapped(map: Readonly<Record<string, string>>, value: string): string | undefined {
  return Object.hasOwn(map, value) ? map[value] : undefined;
}
