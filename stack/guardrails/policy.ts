/**
 * The IAM policy grammar the guardrails use (Deny statements with conditions only), its serialization and
 * AWS's size limits. One serialization is used both to measure and to write, so what is checked is what ships.
 */

export type ConditionValue = string | readonly string[];
/** operator → condition key → value(s), e.g. `{ "ForAnyValue:StringNotEquals": { "sagemaker:VpcSubnets": [...] } }`. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;

export interface DenyStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string;
  readonly Condition: PolicyCondition;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly DenyStatement[];
}

/** AWS Organizations: a service control policy holds at most 5,120 characters, whitespace included via the API. */
export const SCP_MAX_CHARACTERS = 5120;
/** IAM: a customer managed policy holds at most 6,144 characters, whitespace not counted. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

/** The text written to dist/guardrails/*.json: indented for reviewers, measured exactly as written. */
export function policyText(document: PolicyDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Characters the Organizations API counts. Measured on the indented text (the larger form), so the file
 * fits whether it is uploaded as written (CLI) or compacted (console, CloudFormation).
 */
export function scpCharacters(document: PolicyDocument): number {
  return policyText(document).trimEnd().length;
}

export function managedPolicyCharacters(document: PolicyDocument): number {
  return policyText(document).replace(/\s/g, '').length;
}
