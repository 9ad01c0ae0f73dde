// Step output is kept bounded in both stores: the tail of it, where the errors are, cut on a character
// boundary so the kept text is still valid UTF-8.

import type { EngineEvent } from '../engine/events.js';
import { OUTPUT_LIMIT_BYTES } from '../engine/journal.js';

/** The last at most `maxBytes` bytes of `text` in UTF-8, never starting inside a character. */
export function tailUtf8(text: string, maxBytes: number = OUTPUT_LIMIT_BYTES): string {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8: short strings need no measuring.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - maxBytes;
  // Skip continuation bytes (10xxxxxx): the kept part starts on the first byte of a character.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return bytes.toString('utf8', start);
}

/** The event with its `output` cut to OUTPUT_LIMIT_BYTES; the same object when nothing is cut. */
export function boundEvent(e: EngineEvent): EngineEvent {
  if ((e.type === 'step-succeeded' || e.type === 'step-failed') && e.output !== undefined) {
    const output = tailUtf8(e.output);
    if (output !== e.output) return { ...e, output };
  }
  return e;
}
