// Pure config editing for the SSH driver: the driver does the SFTP, this does the text.

export {
  applyConfigEdits,
  describeValue,
  type EditResult,
  editsApplied,
  type ResolveValue,
  valuesNeeded,
} from './apply-edits.js';
export { type ConfigEditContext, ConfigEditError } from './errors.js';
export { IniDocument } from './ini.js';
export { applyJsonSet } from './json-set.js';
export { applyPythonAssign } from './python-assign.js';
export { clearRpcPinOps, setRpcPinOps, UPGRADE_LEVELS } from './rpc-pin.js';
