// One availability check: an unauthenticated GET of a URL (an API's version root). Any answer below 500
// means the API process is serving (401, 300 Multiple Choices and 404 all come from the service
// itself); a 5xx (a proxy with no backend, a failing service) or no answer means down.

export interface CheckResult {
  up: boolean;
  status?: number;
  error?: string;
}

/** Checks one URL; must settle soon after `signal` aborts. */
export type Check = (url: string, signal: AbortSignal) => Promise<CheckResult>;

export function isUpStatus(status: number): boolean {
  return status < 500;
}

export function httpCheck(fetchImpl: typeof fetch = globalThis.fetch): Check {
  return async (url, signal) => {
    try {
      // Redirects are answers too; following them would probe something else.
      const res = await fetchImpl(url, {
        method: 'GET',
        redirect: 'manual',
        signal,
        headers: { Accept: 'application/json' },
      });
      // Read the body so the connection goes back to the pool.
      await res.arrayBuffer();
      return { up: isUpStatus(res.status), status: res.status };
    } catch (err) {
      if (signal.aborted) return { up: false, error: 'aborted' };
      return { up: false, error: errorCode(err) };
    }
  };
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err.message : 'unknown';
}
