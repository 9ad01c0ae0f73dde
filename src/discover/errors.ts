// A discovery that cannot go on: an API answered with an error that is not "you may not see this"
// (auth refused, 5xx, no answer, a body of the wrong shape). Exit 1; the message names the API and,
// through the driver's error, the request's method, URL path and HTTP status.

import { EXIT_FAILED, StackhopError } from '../errors.js';

export class DiscoverApiError extends StackhopError {
  /** Which call: `keystone token`, `nova os-services`, `neutron agents`, … */
  readonly api: string;

  constructor(api: string, cause: unknown) {
    const what = cause instanceof Error ? cause.message : String(cause);
    super('ERR_DISCOVER_API', `discover: ${api}: ${what}`, {
      exitCode: EXIT_FAILED,
      ...(cause instanceof StackhopError && cause.hint !== undefined ? { hint: cause.hint } : {}),
      cause,
    });
    this.name = 'DiscoverApiError';
    this.api = api;
  }
}
