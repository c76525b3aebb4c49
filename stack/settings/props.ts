/**
 * What a deployer writes: the NotebookVpcGuard construct's props, which are also the CDK context keys of the
 * app (same names). Types only and the lists of allowed values; resolve.ts turns them into GuardSettings.
 */
import type { RuleParameters } from '../../rule/parameters';
import type { CloudFormationHookMode } from './hook';

export const SCHEDULES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;
export type Schedule = (typeof SCHEDULES)[number];
export const DEPLOYMENTS = ['config-rule', 'conformance-pack', 'organization'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];
export type DirectInternetAccess = 'Disabled' | 'Enabled';
export const SECURITY_HUB_FINDINGS = ['auto', 'import', 'off'] as const;
export type SecurityHubFindings = (typeof SECURITY_HUB_FINDINGS)[number];

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export interface NotebookVpcGuardProps {
  /** Config rule name. Default `sagemaker-notebook-vpc-guard`. */
  readonly ruleName?: string;
  /**
   * The rule's parameters (see the rule's README); validated by the rule's own parser. Its ownership markers are
   * the iacOwnershipTagKeys setting.
   */
  readonly ruleParameters?: Partial<Omit<RuleParameters, 'iacOwnershipTagKeys'>>;
  /**
   * Tags that mark a notebook CloudFormation, CDK or Terraform owns: a tag key, or `Key=Value` (matched
   * case-insensitively). Findings then say where to fix such a notebook, and the runbook refuses to recreate it
   * unless an operator starts it with AllowIacOwnedNotebook=true (never Config's remediation). Default: the
   * CloudFormation stack tags and common Terraform markers (`ManagedBy=terraform`, `Terraform=true`, …).
   */
  readonly iacOwnershipTagKeys?: readonly string[];
  /** Periodic sweep frequency. Default `TwentyFour_Hours`. */
  readonly schedule?: Schedule;
  /** Subnet the runbook recreates notebooks in. Without it (and the security groups) no remediation is wired. */
  readonly remediationSubnetId?: string;
  /** 1 to 5 security groups of the remediation subnet's VPC. */
  readonly remediationSecurityGroupIds?: readonly string[];
  /** Default `Disabled`. */
  readonly remediationDirectInternetAccess?: DirectInternetAccess;
  /** Run the runbook automatically on NON_COMPLIANT notebooks. Default false (the console's "Remediate"). */
  readonly automaticRemediation?: boolean;
  readonly automaticRemediationMaxAttempts?: number;
  readonly automaticRemediationRetrySeconds?: number;
  readonly automaticRemediationConcurrencyPercent?: number;
  readonly automaticRemediationErrorPercent?: number;
  /** `create` (default): a new bucket; `none`: no backups; anything else: the name of an existing bucket. */
  readonly backupBucket?: string;
  /** Days a completed run's backup in a created bucket is kept (an unfinished run's never expires). Default 90. */
  readonly backupRetentionDays?: number;
  /** The backup bucket's SSE-KMS key. Default: a key the stack creates for a bucket it creates. */
  readonly backupKmsKeyArn?: string;
  readonly backupPrefix?: string;
  /** Notebook execution roles the runbook may pass to SageMaker: names (may end in `*`) or role ARNs. */
  readonly allowedNotebookRoles?: readonly string[];
  /** KMS keys of notebook volumes: the runbook may create grants on these only. */
  readonly notebookKmsKeyArns?: readonly string[];
  /** Default `config-rule`. */
  readonly deployment?: Deployment;
  /**
   * Security Hub custom action "Recreate in VPC". Default: on when a remediation target is set. In organization
   * mode it starts the runbook in each selected finding's own account.
   */
  readonly securityHubAction?: boolean;
  /**
   * The rule's own Security Hub findings: `import`, `off`, or `auto` (default): `import` with a conformance pack
   * or in organization mode (Security Hub's Config integration skips their service-linked rules), `off` for a
   * stand-alone rule (the integration already carries its results).
   */
  readonly securityHubFindings?: SecurityHubFindings;
  /** Default 365. */
  readonly logRetentionDays?: number;
  /** Required when `deployment` is `organization`. */
  readonly organization?: OrganizationProps;
  /** Guardrails: the subnets of `ruleParameters.vpcIds` (no IAM condition key carries the VPC). */
  readonly guardrailApprovedVpcSubnetIds?: readonly string[];
  /** Guardrails only: the security groups notebooks may use (the remediation target's are always approved). */
  readonly guardrailApprovedSecurityGroupIds?: readonly string[];
  /** Single account: deploy the guardrail IAM managed policy. Default false. */
  readonly guardrailManagedPolicy?: boolean;
  /** Roles (names) to attach the guardrail managed policy to; it can also be attached later. */
  readonly guardrailManagedPolicyRoles?: readonly string[];
  /** Organization mode: deploy the guardrail SCP attached to these roots, OUs or accounts. Default: none. */
  readonly guardrailScpTargetIds?: readonly string[];
  /** A CloudFormation Lambda hook on notebook creates and updates: `off` (default), `warn` or `fail`. */
  readonly cloudFormationHook?: CloudFormationHookMode;
  /**
   * Regions to deploy into, the first being the home region (where the account-wide resources go). Several
   * regions need NotebookVpcGuardStacks (the cdk app uses it): one stack per region. Default: the stack's region.
   */
  readonly regions?: readonly string[];
  /**
   * With several regions, where the runbook recreates notebooks in each region (a subnet exists in one region
   * only): region → target. Regions left out get detection and the runbook, without a remediation configuration.
   */
  readonly remediationTargets?: Readonly<Record<string, RegionalRemediationTarget>>;
  /**
   * Guardrails: who may set the rule's ExemptionTagKey on a notebook (IAM role or user ARNs, `*` allowed, e.g.
   * `arn:aws:iam::*:role/SecurityAdmin`). The guardrails deny the tag to everyone else they apply to.
   */
  readonly exemptionAdminPrincipals?: readonly string[];
}

/** One region's remediation target (remediationTargets). */
export interface RegionalRemediationTarget {
  readonly subnetId: string;
  /** 1 to 5 security groups of the subnet's VPC. */
  readonly securityGroupIds: readonly string[];
  /** Default: remediationDirectInternetAccess, or `Disabled`. */
  readonly directInternetAccess?: DirectInternetAccess;
}

/**
 * - `member-conformance-packs`: the StackSet also puts a conformance pack (rule + remediation) into each
 *   member account, so each pack names that account's own automation role as a literal ARN.
 * - `organization-conformance-pack`: one organization conformance pack (members cannot change or delete it),
 *   detection only: its single template cannot name each account's automation role.
 */
export const ORGANIZATION_COVERAGES = ['member-conformance-packs', 'organization-conformance-pack'] as const;
export type OrganizationCoverage = (typeof ORGANIZATION_COVERAGES)[number];
export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

export interface OrganizationProps {
  /** `o-…`: the Lambda assumes member roles of this organization only. */
  readonly organizationId: string;
  /** OUs (`ou-…`) or the root (`r-…`) whose accounts get the member stack, including accounts added later. */
  readonly targetOrganizationalUnitIds: readonly string[];
  /** Default `member-conformance-packs`. */
  readonly coverage?: OrganizationCoverage;
  /** When given, only Config in these accounts may invoke the Lambda (one resource-policy statement each). */
  readonly memberAccountIds?: readonly string[];
  /** Name of the role the Lambda assumes in member accounts (the region is appended). */
  readonly memberRoleName?: string;
  /** `DELEGATED_ADMIN` (default) when this account is a StackSets delegated administrator, `SELF` in the management account. */
  readonly callAs?: StackSetCallAs;
}
