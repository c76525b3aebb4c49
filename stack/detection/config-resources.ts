/**
 * The Config rule and its remediation configuration as CloudFormation properties, built in one place for
 * every way they are deployed: the stand-alone resources in the stack and the resources inside the
 * conformance pack template. Values are strings (CDK tokens included) or intrinsic objects (`{ Ref }`
 * to a pack parameter).
 */
import type { ParameterName as RunbookParameterName } from '../../remediation/parameters';
import {
  PARAMETER_NAMES as RULE_PARAMETER_NAMES,
  type ParameterName as RuleParameterName,
} from '../../rule/parameters';
import type { GuardSettings, RemediationTarget } from '../settings/index';

export type CfnValue = string | { readonly [intrinsic: string]: unknown };

export const NOTEBOOK_RESOURCE_TYPE = 'AWS::SageMaker::NotebookInstance';

export const RULE_DESCRIPTION =
  'SageMaker notebook instances must run in a customer VPC (sagemaker-notebook-vpc-guard): approved subnet/VPC, ' +
  'no direct internet access, private subnet, no open ingress, as the rule parameters say.';

export function configRuleProperties(
  settings: GuardSettings,
  functionArn: CfnValue,
  inputParameters: Partial<Record<RuleParameterName, CfnValue>>,
): Record<string, unknown> {
  const source = (MessageType: string) => ({ EventSource: 'aws.config', MessageType });
  return {
    ConfigRuleName: settings.ruleName,
    Description: RULE_DESCRIPTION,
    Scope: { ComplianceResourceTypes: [NOTEBOOK_RESOURCE_TYPE] },
    Source: {
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: functionArn,
      SourceDetails: [
        source('ConfigurationItemChangeNotification'),
        source('OversizedConfigurationItemChangeNotification'),
        { ...source('ScheduledNotification'), MaximumExecutionFrequency: settings.schedule },
      ],
    },
    // In the rule's declared order, so the template reads like the rule's README.
    InputParameters: Object.fromEntries(
      RULE_PARAMETER_NAMES.flatMap((name) =>
        inputParameters[name] === undefined ? [] : [[name, inputParameters[name]]],
      ),
    ),
  };
}

/** What the remediation passes that differs per deployment (token, pack parameter or literal). */
export interface RemediationBindings {
  readonly runbookName: CfnValue;
  readonly automationRoleArn: CfnValue;
  /** Absent when the deployment has no backup bucket. */
  readonly backupBucketName?: CfnValue;
}

/** Where the runbook recreates notebooks: the settings' literals, or pack parameters. */
export interface TargetValues {
  readonly subnetId: CfnValue;
  readonly securityGroupIds: readonly CfnValue[];
  readonly directInternetAccess: CfnValue;
}

export function literalTarget(target: RemediationTarget): TargetValues {
  return { ...target };
}

/**
 * What only a person starting the runbook by hand may choose, never a stored target (Config's remediation, the
 * Security Hub action): accepting data loss, going on unchecked, recreating a notebook its code owns, another mode.
 */
type OperatorOnly =
  | 'AllowDataLoss'
  | 'AllowUncheckedPermissions'
  | 'AllowIacOwnedNotebook'
  | 'Mode'
  | 'BackupExecutionId';

/**
 * The runbook parameters a recreation passes besides the notebook; the compiler refuses an operator-only one here,
 * so whoever starts the runbook from a stored target gets its safe defaults.
 */
export const RUNBOOK_TARGET_PARAMETERS = [
  'SubnetId',
  'SecurityGroupIds',
  'DirectInternetAccess',
  'BackupBucketName',
  'BackupPrefix',
  'AutomationAssumeRole',
] as const satisfies readonly Exclude<RunbookParameterName, OperatorOnly>[];

type RunbookValues = Partial<Record<(typeof RUNBOOK_TARGET_PARAMETERS)[number], readonly CfnValue[]>>;

/**
 * The runbook's parameters for a recreation in `target`, except the notebook itself (Config passes its
 * resource id, Security Hub its ARN). AllowDataLoss is never passed: the runbook's default (false) refuses
 * to delete anything without a verified backup. Nor is AllowUncheckedPermissions: the automation role may
 * always run the runbook's permission pre-check. Nor AllowIacOwnedNotebook: automatic remediation (and the
 * one-click buttons) never recreate a notebook its code owns.
 */
export function runbookTargetParameters(
  settings: GuardSettings,
  bindings: RemediationBindings,
  target: TargetValues,
): RunbookValues {
  return {
    SubnetId: [target.subnetId],
    SecurityGroupIds: target.securityGroupIds,
    DirectInternetAccess: [target.directInternetAccess],
    ...(bindings.backupBucketName !== undefined && {
      BackupBucketName: [bindings.backupBucketName],
      BackupPrefix: [settings.backupPrefix],
    }),
    AutomationAssumeRole: [bindings.automationRoleArn],
  };
}

export function remediationProperties(
  settings: GuardSettings,
  bindings: RemediationBindings,
  target: TargetValues,
): Record<string, unknown> {
  const values = runbookTargetParameters(settings, bindings, target);
  const parameters = {
    // Config passes the notebook's resource id; the runbook accepts a name or an ARN.
    NotebookInstanceName: { ResourceValue: { Value: 'RESOURCE_ID' } },
    ...Object.fromEntries(
      Object.entries(values).map(([name, Values]) => [name, { StaticValue: { Values } }]),
    ),
  };
  const automatic = settings.automaticRemediation;
  return {
    ConfigRuleName: settings.ruleName,
    TargetType: 'SSM_DOCUMENT',
    TargetId: bindings.runbookName,
    ResourceType: NOTEBOOK_RESOURCE_TYPE,
    Parameters: parameters,
    Automatic: automatic !== undefined,
    ...(automatic && {
      MaximumAutomaticAttempts: automatic.maximumAttempts,
      RetryAttemptSeconds: automatic.retryAttemptSeconds,
      ExecutionControls: {
        SsmControls: {
          ConcurrentExecutionRatePercentage: automatic.concurrentExecutionRatePercentage,
          ErrorPercentage: automatic.errorPercentage,
        },
      },
    }),
  };
}
