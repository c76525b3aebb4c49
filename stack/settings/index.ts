/** The settings' public surface: props in, validated GuardSettings out. */
export { InvalidSettingError } from './checks';
export { propsFromContext } from './context';
export { type Guardrails, resolveGuardrails } from './guardrails';
export { CLOUDFORMATION_HOOK_MODES, type CloudFormationHookMode } from './hook';
export { DEFAULT_MEMBER_ROLE_NAME, type OrganizationSettings } from './organization';
export * from './props';
export { type RegionPlan, type RegionProps, resolveRegions } from './regions';
export {
  AUTOMATIC_REMEDIATION_DEFAULTS,
  type AutomaticRemediation,
  type RemediationTarget,
} from './remediation';
export {
  type BackupBucketChoice,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_NOTEBOOK_ROLES,
  DEFAULT_RULE_NAME,
  type GuardSettings,
  resolveSettings,
} from './resolve';
