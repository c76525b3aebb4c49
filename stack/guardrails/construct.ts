/**
 * Deploys the guardrails with CDK, both off by default: the IAM managed policy for a single account, and the
 * service control policy for an organization (it must be deployed in the management account, or an account
 * that is a delegated administrator for Organizations policies).
 */
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { type GuardrailPolicies, guardrailPolicies } from './guardrails';
import { type GuardrailSettings, GuardrailSettingsError } from './settings';

export interface ManagedPolicyOptions {
  /** Roles that create notebooks; the policy can also be attached later, outside this stack. */
  readonly roles?: readonly iam.IRole[];
  readonly managedPolicyName?: string;
}

export interface ServiceControlPolicyOptions {
  /** Where to attach it: the root (r-…), OUs (ou-…) or account ids. Start with a test OU. */
  readonly targetIds: readonly string[];
  readonly name?: string;
}

export interface NotebookGuardrailsProps {
  readonly settings: GuardrailSettings;
  /** Single account: create the IAM managed policy. Off unless given. */
  readonly managedPolicy?: ManagedPolicyOptions;
  /** Organization: create the service control policy attached to the targets. Off unless given. */
  readonly serviceControlPolicy?: ServiceControlPolicyOptions;
}

const DEFAULT_SCP_NAME = 'sagemaker-notebook-vpc-guard';
const DESCRIPTION =
  'Denies creating SageMaker notebook instances that the sagemaker-notebook-vpc-guard rule reports';
/** Organizations' TargetId grammar. */
const TARGET_ID_PATTERN = /^(?:r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

export class NotebookGuardrails extends Construct {
  readonly policies: GuardrailPolicies;
  readonly managedPolicy?: iam.ManagedPolicy;
  readonly serviceControlPolicy?: organizations.CfnPolicy;

  constructor(scope: Construct, id: string, props: NotebookGuardrailsProps) {
    super(scope, id);
    this.policies = guardrailPolicies(props.settings);
    if (props.managedPolicy) {
      this.managedPolicy = new iam.ManagedPolicy(this, 'ManagedPolicy', {
        description: DESCRIPTION,
        document: iam.PolicyDocument.fromJson(this.policies.iamPolicy),
        roles: [...(props.managedPolicy.roles ?? [])],
        ...(props.managedPolicy.managedPolicyName && {
          managedPolicyName: props.managedPolicy.managedPolicyName,
        }),
      });
    }
    if (props.serviceControlPolicy) {
      const { targetIds, name } = props.serviceControlPolicy;
      checkTargetIds(targetIds);
      this.serviceControlPolicy = new organizations.CfnPolicy(this, 'ServiceControlPolicy', {
        name: name ?? DEFAULT_SCP_NAME,
        description: DESCRIPTION,
        type: 'SERVICE_CONTROL_POLICY',
        content: this.policies.scp,
        targetIds: [...targetIds],
      });
    }
  }
}

function checkTargetIds(targetIds: readonly string[]): void {
  if (targetIds.length === 0) {
    throw new GuardrailSettingsError(
      'serviceControlPolicy.targetIds',
      'is empty: the policy would apply nowhere',
    );
  }
  const malformed = targetIds.filter((id) => !Token.isUnresolved(id) && !TARGET_ID_PATTERN.test(id));
  if (malformed.length > 0) {
    throw new GuardrailSettingsError(
      'serviceControlPolicy.targetIds',
      `malformed target(s) ${malformed.join(', ')} (expected a root r-…, an OU ou-…-… or a 12-digit account id)`,
    );
  }
}
