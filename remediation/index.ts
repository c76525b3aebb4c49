/** The remediation's public surface, for the CDK stack and the tests. */
export { CHECK_DOCUMENT } from './check-document';
export {
  CHECK_DOCUMENT_NAME_DEFAULT,
  namingCheckDocument,
  type TrustedSettings,
  withSettings,
} from './documents';
export {
  type ApiCall,
  apiCallsOf,
  NOTEBOOK_ROLE_PERMISSIONS,
  type Permission,
  type PolicyCondition,
  type ResourceKind,
  type ResourceScope,
  requiredPermissions,
  resourceArns,
  TEMPORARY_CONFIG_PREFIX,
} from './iam';
export { AWS_USERID, COMPLETED_TAG, DATA_AREA, OWN_AREA, RUNS_AREA } from './layout';
export {
  BACKUP_PREFIX_DEFAULT,
  PARAMETER_NAMES,
  PARAMETERS,
  type ParameterName,
} from './parameters';
export { AUTOMATION_ROLE_PERMISSIONS, RUNBOOK } from './runbook';
export { embeddedScript, SCRIPT_FILES, type ScriptFile } from './scripts';
export type * from './types';
export { isApiStep } from './types';
