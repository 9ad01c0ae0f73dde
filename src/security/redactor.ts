// Secrets must never reach the journal, the terminal, reports or logs. Every text that leaves a driver
// passes through one Redactor, which knows the secret values themselves (from the environment and
// from what the run learned: passwords, tokens) and replaces them wherever they appear.

const MASK = '********';

/** Environment variables whose values are secrets, by name. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY|_PASS)$/i;

/** Shorter values would mask ordinary words and numbers; no real secret is this short. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  static fromEnv(env: NodeJS.ProcessEnv): Redactor {
    const r = new Redactor();
    for (const [name, value] of Object.entries(env)) {
      if (value !== undefined && SECRET_NAME.test(name)) r.add(value);
    }
    return r;
  }

  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    // Also its URL-encoded form: passwords end up inside connection URLs.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
    this.#pattern = undefined;
  }

  get size(): number {
    return this.#secrets.size;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0 || text === '') return text;
    this.#pattern ??= new RegExp(
      [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, MASK);
  }

  /** Every string inside a JSON-like value, redacted (events, summaries). */
  redactDeep<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    return walk(value, (s) => this.redact(s)) as T;
  }
}

function walk(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, f));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, f);
    return out;
  }
  return value;
}
