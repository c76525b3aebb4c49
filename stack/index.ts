/**
 * The package's root (`import … from 'sagemaker-notebook-vpc-guard'`, package.json `exports`): the
 * NotebookVpcGuard construct and its props, the settings it validates, the rule's parameters, the guardrail
 * generator and its construct, and the helpers that deploy the prebuilt artifacts. Everything a user may import
 * is exported here, one statement per module (Biome keeps them sorted by path), including the CDK aspect that
 * checks notebooks before they are deployed (NotebookVpcGuardAspect). Compiled to dist/lib/ by
 * `npm run build` (stack/build.ts).
 */

// The rule's parameters, as the construct takes them (RuleParameters) and as Config passes them (toInputParameters).
export {
  DEFAULT_PARAMETERS,
  InvalidParameterError,
  PARAMETER_NAMES,
  type ParameterName,
  type RuleParameters,
  toInputParameters,
  toRuleParameters,
} from '../rule/parameters';
// The built artifacts the package ships (dist/rule, dist/hook, dist/remediation/runbook.json and
// runbook-check.json) and how a Lambda deploys one.
export {
  ARTIFACTS,
  artifactPath,
  builtCheckDocument,
  builtRunbook,
  MissingArtifactError,
  prebuiltLambdaCode,
} from './artifacts';
// Before a notebook is deployed: the rule's checks at `cdk synth`, as a CDK aspect for any app.
export { NotebookVpcGuardAspect, type NotebookVpcGuardAspectProps } from './aspect/index';
// The construct; its props and settings are below (settings/index).
export {
  NotebookVpcGuard,
  type NotebookVpcGuardConstructProps,
  type SharedAccountResources,
} from './construct';
// The conformance pack template the construct deploys, for deploying it by other means.
export { type ConformancePack, conformancePack } from './detection/conformance-pack';

// Prevention: the guardrail generator (SCP and IAM policy) and its construct.
export {
  type CheckCoverage,
  type DenyStatement,
  type GuardrailPolicies,
  type GuardrailSettings,
  GuardrailSettingsError,
  type GuardrailSid,
  GuardrailTooLargeError,
  guardrailCoverage,
  guardrailPolicies,
  MANAGED_POLICY_MAX_CHARACTERS,
  type ManagedPolicyOptions,
  NotebookGuardrails,
  type NotebookGuardrailsProps,
  type PolicyDocument,
  type RemediationTarget as GuardrailRemediationTarget,
  RUNBOOK_ROLE_PRINCIPALS,
  type RuleCheck,
  SCP_MAX_CHARACTERS,
  type ServiceControlPolicyOptions,
  SIDS,
  writeGuardrails,
} from './guardrails/index';
// Every region in one deploy: one stack per region, the account-wide resources once.
export { NotebookVpcGuardAccount, type NotebookVpcGuardAccountProps } from './regions/account';
export {
  DEFAULT_STACK_NAME,
  NotebookVpcGuardStacks,
  type NotebookVpcGuardStacksProps,
  type RegionalStack,
} from './regions/stacks';
// The construct's props (also the CDK context keys), their validation and the resolved settings.
export * from './settings/index';
