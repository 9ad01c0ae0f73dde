// The port through which the real driver touches hosts. The SSH pool implements it; tests of the
// driver use the same implementation against real sshd hosts.

import type { ExecOptions, ExecResult } from './connection.js';

export type { ExecOptions, ExecResult };

export interface WriteOptions {
  /** File mode when the file is new; an existing file keeps its mode and owner. */
  mode?: number;
  signal?: AbortSignal;
}

export interface RemoteExecutor {
  /**
   * Runs a shell command line (already quoted, see shell-quote.ts) with root rights: directly when the
   * SSH user is root, through `sudo -n` otherwise.
   */
  exec(host: string, command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** A file's text, or undefined when it does not exist. */
  readFile(host: string, path: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Replaces a file atomically: a temp file beside it, then a rename. */
  writeFile(host: string, path: string, text: string, opts?: WriteOptions): Promise<void>;
  close(): Promise<void>;
}
