// Errors carry a stable code, a hint and the exit code the CLI maps them to (one top-level catch).

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export class StackhopError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(
    code: string,
    message: string,
    opts: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'StackhopError';
    this.code = code;
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? EXIT_FAILED;
  }
}

export interface InputLocation {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole. */
  line: number;
  col: number;
}

/** Bad input from the user: always exit 2, always file:line:col, the field, what was found and allowed. */
export class InputError extends StackhopError {
  readonly location: InputLocation;
  readonly field: string;

  constructor(
    location: InputLocation,
    field: string,
    message: string,
    opts: { hint?: string; code?: string; cause?: unknown } = {},
  ) {
    const where = location.line > 0 ? `${location.file}:${location.line}:${location.col}` : location.file;
    const subject = field ? `${field}: ` : '';
    super(opts.code ?? 'ERR_INPUT', `${where}: ${subject}${message}`, {
      exitCode: EXIT_BAD_INPUT,
      ...(opts.hint === undefined ? {} : { hint: opts.hint }),
      cause: opts.cause,
    });
    this.name = 'InputError';
    this.location = location;
    this.field = field;
  }
}

/** A bug in stackhop itself: the message asks for a report instead of blaming the input. */
export class InternalError extends StackhopError {
  constructor(message: string, cause?: unknown) {
    super('ERR_INTERNAL', message, {
      hint: 'this is a bug in stackhop; please report it with the command and input that caused it',
      cause,
    });
    this.name = 'InternalError';
  }
}
