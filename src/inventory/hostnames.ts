// Strict grammars for everything in the inventory that later reaches an ssh command line or a DNS lookup:
// host names, addresses, the ssh user. Whatever passes here contains no shell metacharacter, no space and
// no leading dash (which ssh would read as an option), so no later quoting mistake can turn it into code.

import { isIPv4, isIPv6 } from 'node:net';

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
const DOTTED_NUMBERS = /^[0-9.]+$/;
/** POSIX portable user names (what useradd accepts by default), no leading dash. */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const MAX_HOST_NAME = 253;

/** IPv4 in canonical dotted-quad form; leading zeros are refused (some tools read `010` as octal). */
export function isStrictIPv4(text: string): boolean {
  return isIPv4(text) && text.split('.').every((octet) => octet === '0' || !octet.startsWith('0'));
}

/**
 * A host name: letters, digits, dots and dashes, starting with a letter or digit. A name made only of digits
 * and dots must be a valid IPv4 address, so `10.0.0.300` is caught rather than resolved.
 */
export function isHostName(text: string): boolean {
  if (text.length > MAX_HOST_NAME || !HOST_NAME.test(text)) return false;
  if (DOTTED_NUMBERS.test(text) && text.includes('.')) return isStrictIPv4(text);
  return !text.includes('..');
}

/** An address: an IPv4 or IPv6 literal, or a host name under the same strict grammar. */
export function isAddress(text: string): boolean {
  if (text.includes(':')) return isIPv6(text);
  return isHostName(text);
}

export function isUserName(text: string): boolean {
  return text.length <= 64 && USER_NAME.test(text);
}

/** Control characters, including newline and DEL: never valid in a path we hand to ssh. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export const HOST_NAME_RULE =
  'a host name (letters, digits, "." and "-", starting with a letter or digit) or an IPv4 address';
export const ADDRESS_RULE = 'an IPv4 or IPv6 address, or a host name (letters, digits, "." and "-")';
export const USER_RULE = 'a user name (letters, digits, "_", "." and "-", starting with a letter or "_")';
