/** The guardrails' public surface, for the stack, the synth step and the tests. */
export {
  type ManagedPolicyOptions,
  NotebookGuardrails,
  type NotebookGuardrailsProps,
  type ServiceControlPolicyOptions,
} from './construct';
export { type CheckCoverage, guardrailCoverage, type RuleCheck } from './coverage';
export { type GuardrailPolicies, GuardrailTooLargeError, guardrailPolicies } from './guardrails';
export {
  type DenyStatement,
  MANAGED_POLICY_MAX_CHARACTERS,
  managedPolicyCharacters,
  type PolicyDocument,
  policyText,
  SCP_MAX_CHARACTERS,
  scpCharacters,
} from './policy';
export {
  type GuardrailRequirements,
  type GuardrailSettings,
  GuardrailSettingsError,
  guardrailRequirements,
  type RemediationTarget,
} from './settings';
export { CONDITION_KEYS, CREATE_NOTEBOOK_ACTION, type GuardrailSid, SIDS } from './statements';
export { GUARDRAIL_FILES, writeGuardrails } from './write';
