// Typed errors of the OpenStack driver. Every message names the request (method and URL without its
// query) and never a token or password: requests carry secrets only in headers and bodies, and both
// are kept out of the messages; response text quoted in a message is scrubbed first (see secret.ts).

import { EXIT_BAD_INPUT, InputError, type InputLocation, StackhopError } from '../../errors.js';

/** The request an error is about: enough to find it in the service's logs, nothing secret. */
export interface RequestRef {
  method: string;
  /** scheme://host:port/path, without userinfo and without the query string. */
  url: string;
}

/** An HTTP status ≥ 400 (after any retries). */
export class OpenStackHttpError extends StackhopError {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The service's own message when the body has the usual OpenStack fault shape. */
  readonly serviceMessage: string | undefined;
  /** The last characters of the response body, whitespace collapsed, secrets scrubbed. */
  readonly bodyTail: string;
  readonly attempts: number;

  constructor(
    ref: RequestRef,
    status: number,
    detail: { serviceMessage?: string; bodyTail: string; attempts: number },
  ) {
    const what = detail.serviceMessage ?? detail.bodyTail;
    const tries = detail.attempts > 1 ? ` after ${detail.attempts} attempts` : '';
    super('ERR_OPENSTACK_HTTP', `${ref.method} ${ref.url}: HTTP ${status}${tries}${what ? `: ${what}` : ''}`);
    this.name = 'OpenStackHttpError';
    this.method = ref.method;
    this.url = ref.url;
    this.status = status;
    this.serviceMessage = detail.serviceMessage;
    this.bodyTail = detail.bodyTail;
    this.attempts = detail.attempts;
  }
}

/** No HTTP answer at all: refused, reset, DNS, TLS, or no answer within the timeout. */
export class OpenStackConnectionError extends StackhopError {
  readonly method: string;
  readonly url: string;
  /** `ECONNREFUSED`, `ECONNRESET`, `TIMEOUT`, … or `FETCH_FAILED` when the cause names nothing better. */
  readonly reason: string;
  readonly attempts: number;

  constructor(ref: RequestRef, reason: string, attempts: number, cause?: unknown) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    super('ERR_OPENSTACK_CONNECTION', `${ref.method} ${ref.url}: no response (${reason})${tries}`, {
      hint: 'check that the endpoint is reachable from this host (catalog URL, interface, firewall)',
      cause,
    });
    this.name = 'OpenStackConnectionError';
    this.method = ref.method;
    this.url = ref.url;
    this.reason = reason;
    this.attempts = attempts;
  }
}

/** A 2xx response whose body is not what the API reference says. */
export class OpenStackResponseError extends StackhopError {
  readonly method: string;
  readonly url: string;

  constructor(ref: RequestRef, problem: string) {
    super('ERR_OPENSTACK_RESPONSE', `${ref.method} ${ref.url}: unexpected response: ${problem}`, {
      hint: 'the service answered in a shape stackhop does not know; please report it with the release',
    });
    this.name = 'OpenStackResponseError';
    this.method = ref.method;
    this.url = ref.url;
  }
}

/** Keystone refused the credentials (wrong user, password, project or domain): bad input, exit 2. */
export class OpenStackAuthError extends StackhopError {
  readonly authUrl: string;
  readonly status: number;

  constructor(authUrl: string, status: number, message: string) {
    super('ERR_OPENSTACK_AUTH', `authentication at ${authUrl} failed: HTTP ${status}: ${message}`, {
      exitCode: EXIT_BAD_INPUT,
      hint: 'check OS_USERNAME / OS_PASSWORD / OS_PROJECT_NAME and the domains, or the clouds.yaml entry',
    });
    this.name = 'OpenStackAuthError';
    this.authUrl = authUrl;
    this.status = status;
  }
}

/** The catalog has no endpoint for a service type with the wanted interface and region. */
export class EndpointNotFoundError extends StackhopError {
  readonly serviceTypes: readonly string[];

  constructor(serviceTypes: readonly string[], wanted: string, available: string) {
    super(
      'ERR_OPENSTACK_ENDPOINT',
      `no ${serviceTypes.join(' or ')} endpoint for ${wanted} in the service catalog (it has: ${available || 'nothing'})`,
      {
        exitCode: EXIT_BAD_INPUT,
        hint: 'check OS_REGION_NAME and OS_INTERFACE (or region_name / interface in clouds.yaml)',
      },
    );
    this.name = 'EndpointNotFoundError';
    this.serviceTypes = serviceTypes;
  }
}

/** A bad OS_* variable or clouds.yaml entry: names the file (or "environment"), line and field; exit 2. */
export class CloudConfigError extends InputError {
  constructor(location: InputLocation, field: string, message: string, opts: { hint?: string } = {}) {
    super(location, field, message, { ...opts, code: 'ERR_CLOUD_CONFIG' });
    this.name = 'CloudConfigError';
  }
}

/** A live migration that did not move the server: it errored, rolled back, or did not finish in time. */
export class MigrationError extends StackhopError {
  readonly serverId: string;
  readonly sourceHost: string;
  readonly outcome: 'error' | 'rolled-back' | 'timeout';
  /** The server's fault message (Nova's `fault.message`), when Nova recorded one. */
  readonly fault: string | undefined;

  constructor(
    serverId: string,
    sourceHost: string,
    outcome: MigrationError['outcome'],
    detail: { fault?: string; status?: string; waitedMs?: number } = {},
  ) {
    const why =
      outcome === 'error'
        ? `failed: the server went to status ${detail.status ?? 'ERROR'}`
        : outcome === 'rolled-back'
          ? 'failed: the server is still there after its task cleared (rolled back)'
          : `did not finish within ${Math.round((detail.waitedMs ?? 0) / 1000)} s`;
    const fault = detail.fault ? `: ${detail.fault}` : '';
    super('ERR_LIVE_MIGRATION', `live migration of server ${serverId} from ${sourceHost} ${why}${fault}`, {
      hint: 'see nova-compute.log on both hosts; the server may need `nova reset-state --active`',
    });
    this.name = 'MigrationError';
    this.serverId = serverId;
    this.sourceHost = sourceHost;
    this.outcome = outcome;
    this.fault = detail.fault;
  }
}
