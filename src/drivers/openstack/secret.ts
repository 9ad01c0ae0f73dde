// A password or token. The value sits in a private field and every way of turning the object into text
// (String(), template literals, JSON.stringify, util.inspect, console.log) prints a placeholder, so a
// secret cannot leak through a log line, an error message or a serialised client object by accident.
// Code that must send it calls `reveal()`, which is easy to find in review.

import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * `text` with every occurrence of the given secrets replaced by the placeholder: for text that came from
 * elsewhere (a response body quoted in an error) and might echo a secret back.
 */
export function scrub(text: string, secrets: readonly (Secret | string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    const value = s instanceof Secret ? s.reveal() : s;
    // Even a one-letter password is scrubbed: a garbled message is better than a leaked secret.
    if (value === undefined || value.length === 0) continue;
    out = out.split(value).join(REDACTED);
  }
  return out;
}
