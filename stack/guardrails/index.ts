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
  SCP_MAX_CHARACTERS,
} from './policy';
export {
  type GuardrailSettings,
  GuardrailSettingsError,
  type RemediationTarget,
  RUNBOOK_ROLE_PRINCIPALS,
} from './settings';
export { type GuardrailSid, SIDS } from './statements';
export { writeGuardrails } from './write';
