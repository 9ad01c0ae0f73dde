// What can go wrong between us and a host, each with the context an operator needs to act on it.

export type RemoteErrorCode =
  | 'unreachable'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'connection-lost'
  | 'timeout'
  | 'aborted'
  | 'sudo-password'
  | 'sftp';

export class RemoteError extends Error {
  override readonly name = 'RemoteError';
  constructor(
    readonly code: RemoteErrorCode,
    readonly host: string,
    message: string,
    readonly detail: { command?: string; cause?: unknown } = {},
  ) {
    super(`${host}: ${message}`);
  }

  /** Errors where trying the same thing again cannot help without an operator. */
  get permanent(): boolean {
    return (
      this.code === 'auth' ||
      this.code === 'host-key-unknown' ||
      this.code === 'host-key-changed' ||
      this.code === 'host-key-revoked' ||
      this.code === 'sudo-password'
    );
  }
}

/** A command that ran and exited non-zero. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
  constructor(
    readonly host: string,
    readonly command: string,
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(`${host}: \`${command}\` exited ${exitCode}${stderrTail === '' ? '' : `: ${stderrTail}`}`);
  }
}
