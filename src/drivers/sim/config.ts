// Config edits as the twin records them: the values each catalog edit leaves in a host's files, keyed
// `file|section|key` (lookups and copies are kept symbolic: the twin only compares values it knows).

import type { ConfigEdit } from '../../plan/types.js';
import { configKey, type HostState } from './state.js';

export /** Applies a catalog config edit to the host's recorded values (what the real driver writes to files). */
function applyEdit(host: HostState, edit: ConfigEdit): void {
  host.edits.add(edit.id);
  const c = host.config;
  for (const o of edit.ops) {
    switch (o.op) {
      case 'set': {
        const v = o.value;
        const text =
          'literal' in v
            ? v.literal
            : 'lookup' in v
              ? `lookup:${v.lookup}`
              : `copy:${v.copyFrom.file}:${v.copyFrom.section}:${v.copyFrom.key}`;
        c.set(configKey(edit.file, o.section, o.key), text);
        break;
      }
      case 'move': {
        const from = configKey(edit.file, o.section, o.key);
        const v = c.get(from);
        c.delete(from);
        if (v !== undefined) c.set(configKey(edit.file, o.toSection, o.toKey), v);
        break;
      }
      case 'map': {
        const k = configKey(edit.file, o.section, o.key);
        const v = c.get(k);
        if (v !== undefined && o.map[v] !== undefined) c.set(k, o.map[v]);
        break;
      }
      case 'unset':
        c.delete(configKey(edit.file, o.section, o.key));
        break;
      case 'comment-section':
        for (const k of [...c.keys()]) {
          const [file, section, key] = k.split('|');
          if (file === edit.file && section === o.section && !o.keep.includes(key ?? '')) c.delete(k);
        }
        break;
      case 'python-assign':
        c.set(configKey(edit.file, 'python', o.name), JSON.stringify(o.map));
        break;
      case 'json-set':
        c.set(configKey(edit.file, 'json', o.key), o.value);
        break;
      case 'symlink':
        c.set(configKey(edit.file, 'symlink', ''), o.target);
        break;
    }
  }
}
