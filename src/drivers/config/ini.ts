// An oslo.config INI file as a document that edits only the lines an operation is about. The lines
// are the truth and the section/key index is rebuilt after every change: files are small, and an
// index that cannot go stale is worth more than the time.
//
// Sections may appear more than once (oslo merges them) and keys may repeat within a section (oslo
// MultiStrOpt: all values; any other option: the last one). Every lookup therefore spans all blocks
// of a section, and "the value" of a key is its last occurrence.

import type { ConfigEditOp } from '../../catalog/types.js';
import { assertIdempotentMap, assertSingleLine, ConfigEditError, mapped } from './errors.js';
import {
  encodeValue,
  entryValue,
  type IniBlock,
  type IniEntry,
  sameSection,
  scanIni,
  separatorOf,
  withKey,
  withValue,
} from './ini-scan.js';
import { joinLines, type Line, spliceLines, splitLines } from './lines.js';

type Op = ConfigEditOp['op'];

export class IniDocument {
  readonly #lines: Line[];
  #blocks: IniBlock[];

  private constructor(lines: Line[]) {
    this.#lines = lines;
    this.#blocks = scanIni(lines);
  }

  /** Throws ConfigEditError (with the line) on text oslo.config would refuse. */
  static parse(text: string): IniDocument {
    return new IniDocument(splitLines(text));
  }

  toString(): string {
    return joinLines(this.#lines);
  }

  /** Section names in order of first appearance, as first written. */
  sections(): string[] {
    const names: string[] = [];
    for (const b of this.#blocks) {
      if (b.name !== null && !names.some((n) => sameSection(n, b.name!))) names.push(b.name);
    }
    return names;
  }

  /** Keys of the section in order of first appearance, each once. */
  keys(section: string): string[] {
    return [...new Set(this.#entries(section).map((e) => e.key))];
  }

  /** The value oslo uses: the last occurrence's. */
  get(section: string, key: string): string | undefined {
    return this.getAll(section, key).at(-1);
  }

  /** Every occurrence's value, in file order (a MultiStrOpt's list). */
  getAll(section: string, key: string): string[] {
    return this.#occurrences(section, key).map((e) => entryValue(this.#lines, e));
  }

  /**
   * Replaces the value of the last occurrence in place (the one oslo uses) and leaves earlier
   * duplicates alone: for a single-valued option they are already dead text, and for a MultiStrOpt
   * they are the other values of the list, which a set of one value has no business deleting. A
   * missing key goes after the last key of the section; a missing section is appended to the file.
   */
  set(section: string, key: string, value: string): void {
    checkKey('set', section, key);
    assertSingleLine(value, 'value', { op: 'set', section, key });
    const last = this.#occurrences(section, key).at(-1);
    if (last === undefined) {
      this.#add(section, [`${key}${this.#separator(section)}${encodeValue(value)}`]);
    } else if (entryValue(this.#lines, last) !== value) {
      this.#splice(last.first, last.end - last.first, [withValue(this.#lines[last.first]!.text, value)]);
    }
  }

  /** Removes every occurrence: after an unset, oslo must see the option's default. */
  unset(section: string, key: string): void {
    checkKey('unset', section, key);
    this.#remove(this.#occurrences(section, key));
  }

  /**
   * Moves the value oslo uses (the last occurrence) to another section and key, as written (quotes,
   * continuation lines); every occurrence of the source goes. When the target already exists it
   * wins and the source is only removed: oslo reads a renamed option's new name before its deprecated
   * ones, so the target is the value the service already runs with, and overwriting it with the
   * source would change behaviour instead of tidying up.
   */
  move(section: string, key: string, toSection: string, toKey: string): void {
    checkKey('move', section, key);
    checkKey('move', toSection, toKey);
    if (sameSection(section, toSection) && key === toKey) return;
    const sources = this.#occurrences(section, key);
    const last = sources.at(-1);
    if (last === undefined) return;
    const moved =
      this.#occurrences(toSection, toKey).length > 0
        ? []
        : this.#lines
            .slice(last.first, last.end)
            .map((l, i) => (i === 0 ? withKey(l.text, key, toKey) : l.text));
    this.#remove(sources);
    if (moved.length > 0) this.#add(toSection, moved);
  }

  /** Replaces known values, in every occurrence; any other value stays. */
  map(section: string, key: string, map: Readonly<Record<string, string>>): void {
    checkKey('map', section, key);
    assertIdempotentMap(map, { op: 'map', section, key });
    const hits = this.#occurrences(section, key).flatMap((e) => {
      const to = mapped(map, entryValue(this.#lines, e));
      return to === undefined ? [] : [{ e, to }];
    });
    for (const { e, to } of hits.reverse()) {
      this.#splice(e.first, e.end - e.first, [withValue(this.#lines[e.first]!.text, to)]);
    }
  }

  /**
   * Comments out, with `#` in front of each of their lines, the keys of the section not in `keep`.
   * Commented keys are no longer keys, so a second run finds nothing to do.
   */
  commentSection(section: string, keep: readonly string[]): void {
    checkSection('comment-section', section);
    for (const e of this.#entries(section)) {
      if (keep.includes(e.key)) continue;
      for (let i = e.first; i < e.end; i++) {
        const line = this.#lines[i]!;
        line.text = `#${line.text}`;
      }
    }
    this.#blocks = scanIni(this.#lines);
  }

  #blocksOf(section: string): IniBlock[] {
    return this.#blocks.filter((b) => b.name !== null && sameSection(b.name, section));
  }

  #entries(section: string): IniEntry[] {
    return this.#blocksOf(section).flatMap((b) => b.entries);
  }

  #occurrences(section: string, key: string): IniEntry[] {
    return this.#entries(section).filter((e) => e.key === key);
  }

  /** After the section's last key, so the new key stays clear of the comments that open the next section. */
  #add(section: string, texts: readonly string[]): void {
    const block = this.#blocksOf(section).at(-1);
    if (block !== undefined) {
      this.#splice(block.entries.at(-1)?.end ?? block.header + 1, 0, texts);
      return;
    }
    const last = this.#lines.at(-1);
    const gap = last !== undefined && last.text.trim() !== '' ? [''] : [];
    this.#splice(this.#lines.length, 0, [...gap, `[${section}]`, ...texts]);
  }

  #remove(entries: readonly IniEntry[]): void {
    for (const e of [...entries].reverse()) this.#splice(e.first, e.end - e.first, []);
  }

  #splice(start: number, deleteCount: number, texts: readonly string[]): void {
    spliceLines(this.#lines, start, deleteCount, texts);
    this.#blocks = scanIni(this.#lines);
  }

  /** New keys follow the section's own style, else the file's last key's, else `key = value`. */
  #separator(section: string): string {
    const entry = this.#entries(section).at(-1) ?? this.#blocks.flatMap((b) => b.entries).at(-1);
    return separatorOf(entry === undefined ? undefined : this.#lines[entry.first]!.text);
  }
}

function checkSection(op: Op, section: string): void {
  assertSingleLine(section, 'section name', { op, section });
  if (section.trim() === '') throw new ConfigEditError('empty section name', { op, section });
}

/** Names a key oslo would read back as written: no delimiter, no leading comment or header character. */
function checkKey(op: Op, section: string, key: string): void {
  checkSection(op, section);
  assertSingleLine(key, 'key', { op, section, key });
  if (key === '' || key !== key.trim() || /[=:]/.test(key) || /^[[#;]/.test(key)) {
    throw new ConfigEditError('not a key oslo.config can read back', { op, section, key });
  }
}
