/**
 * The generator the stack calls: the rule's settings in, two policies out — a service control policy for
 * AWS Organizations and an IAM managed policy with the same statements for single accounts — plus what they
 * enforce of the rule. Pure and deterministic: equal settings give byte-identical policies.
 */
import { type CheckCoverage, guardrailCoverage } from './coverage';
import { type PolicyDocument, SCP_MAX_CHARACTERS, scpCharacters } from './policy';
import { type GuardrailSettings, guardrailRequirements } from './settings';
import { denyStatements } from './statements';

export interface GuardrailPolicies {
  readonly scp: PolicyDocument;
  /** The same statements, to attach to the roles that create notebooks. */
  readonly iamPolicy: PolicyDocument;
  readonly coverage: readonly CheckCoverage[];
}

export class GuardrailTooLargeError extends Error {
  override readonly name = 'GuardrailTooLargeError';
}

export function guardrailPolicies(settings: GuardrailSettings): GuardrailPolicies {
  const requirements = guardrailRequirements(settings);
  const document: PolicyDocument = { Version: '2012-10-17', Statement: denyStatements(requirements) };
  // The SCP's limit is the binding one: the managed policy allows 6,144 characters and does not count
  // whitespace, so the same statements always fit it when they fit the SCP.
  const size = scpCharacters(document);
  if (size > SCP_MAX_CHARACTERS) {
    const subnets = requirements.approvedSubnetIds?.length ?? 0;
    const groups = requirements.approvedSecurityGroupIds?.length ?? 0;
    throw new GuardrailTooLargeError(
      `The service control policy would be ${size} characters, over AWS's limit of ${SCP_MAX_CHARACTERS}: ` +
        `${subnets} approved subnets and ${groups} approved security groups are too many for one policy; approve fewer`,
    );
  }
  return { scp: document, iamPolicy: document, coverage: guardrailCoverage(settings) };
}
