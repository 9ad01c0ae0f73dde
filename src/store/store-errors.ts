// The refusals both stores share, with the same codes and wording.

import { InternalError, StackhopError } from '../errors.js';

/** `where` names the store: the journal file, or "the in-memory journal". */
export function runExists(runId: string, where: string): StackhopError {
  return new StackhopError('ERR_RUN_EXISTS', `run ${runId} already exists in ${where}`, {
    hint: 'run ids are unique per state directory: pick another id or resume that run',
  });
}

export function unknownRun(runId: string, where: string): StackhopError {
  return new StackhopError('ERR_RUN_UNKNOWN', `no run ${runId} in ${where}`, {
    hint: 'list the runs of this state directory to find its id',
  });
}

export function closedJournal(where: string): InternalError {
  return new InternalError(`${where} was used after it was closed`);
}

/** `fromSeq` and `limit` of `events()` come from the engine or an already validated flag. */
export function checkPage(fromSeq: number, limit: number): void {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) {
    throw new InternalError(`events: fromSeq must be a non-negative integer, got ${fromSeq}`);
  }
  if (limit !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new InternalError(`events: limit must be a non-negative integer, got ${limit}`);
  }
}

/** listRuns order: newest wall-clock creation first, then the greater id (ids sort by time). */
export function newestFirst(
  a: { created_wall: string; id: string },
  b: { created_wall: string; id: string },
): number {
  if (a.created_wall !== b.created_wall) return a.created_wall < b.created_wall ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
