/**
 * The conformance pack template (dist/conformance-pack.yaml, and the body the stack deploys): the rule
 * (CUSTOM_LAMBDA) and its remediation configuration, the only two resource types packs allow. What differs
 * per deployment — the Lambda ARN, the runbook's name, the automation role's ARN (AWS requires a literal ARN,
 * no intrinsic function) and the backup bucket — are pack parameters, named `<Rule>Param<Name>` like AWS's
 * sample packs, as are the rule's parameters and the remediation target (defaults from the settings).
 * Only Ref, Fn::If, Fn::Equals and Fn::Not are used, as in AWS's own sample packs.
 */
import { stringify } from 'yaml';
import { PARAMETER_NAMES as RULE_PARAMETER_NAMES, toInputParameters } from '../../rule/parameters';
import type { GuardSettings } from '../settings/index';
import { type CfnValue, configRuleProperties, remediationProperties } from './config-resources';

export const PACK_RULE_ID = 'SageMakerNotebookVpcGuard';
export const PACK_REMEDIATION_ID = `${PACK_RULE_ID}Remediation`;
export const packParameterName = (name: string): string => `${PACK_RULE_ID}Param${name}`;
export const PACK_PARAMETERS = {
  lambdaFunctionArn: packParameterName('LambdaFunctionArn'),
  runbookName: packParameterName('RunbookName'),
  automationAssumeRole: packParameterName('AutomationAssumeRole'),
  backupBucketName: packParameterName('BackupBucketName'),
  remediationSubnetId: packParameterName('RemediationSubnetId'),
  remediationDirectInternetAccess: packParameterName('RemediationDirectInternetAccess'),
} as const;
/** One parameter per security group (no list-typed parameters or Fn::Split in packs): the runbook takes 1 to 5. */
export const PACK_SECURITY_GROUP_PARAMETERS = [1, 2, 3, 4, 5].map((slot) =>
  packParameterName(`RemediationSecurityGroupId${slot}`),
);
/** AWS's limit for a template passed inline (TemplateBody). */
export const MAX_PACK_TEMPLATE_BYTES = 51_200;
/** Rule parameters without a value are left out of InputParameters rather than passed empty. */
const OPTIONAL_RULE_PARAMETERS = ['SubnetIds', 'VpcIds', 'ExemptionTagKey', 'IacOwnershipTagKeys'] as const;

type PackParameter = { Type: 'String'; Description: string; Default?: string };

export interface PackTemplate {
  readonly Parameters: Readonly<Record<string, PackParameter>>;
  readonly Conditions: Readonly<Record<string, unknown>>;
  readonly Resources: Readonly<Record<string, { Type: string; DependsOn?: string; Properties: unknown }>>;
}

export interface ConformancePack {
  readonly template: PackTemplate;
  readonly yaml: string;
  readonly includesRemediation: boolean;
}

/**
 * `always`: dist/conformance-pack.yaml, where a missing target becomes parameters without defaults, to be
 * supplied when the pack is deployed. `with-target`: what the stack deploys, which supplies every
 * parameter without a default, so the remediation is included only when the settings have a target.
 */
export type PackRemediation = 'always' | 'with-target';

export function conformancePack(settings: GuardSettings, remediation: PackRemediation): ConformancePack {
  const template = new PackTemplateBuilder();
  const ruleDefaults = toInputParameters(settings.ruleParameters);
  template.parameter(PACK_PARAMETERS.lambdaFunctionArn, 'ARN of the rule Lambda function');
  const inputParameters: Partial<Record<(typeof RULE_PARAMETER_NAMES)[number], CfnValue>> = {};
  for (const name of RULE_PARAMETER_NAMES) {
    const parameter = packParameterName(name);
    template.parameter(parameter, `Rule parameter ${name}`, ruleDefaults[name] ?? '');
    inputParameters[name] = (OPTIONAL_RULE_PARAMETERS as readonly string[]).includes(name)
      ? template.ifSet(parameter)
      : { Ref: parameter };
  }
  template.resource(PACK_RULE_ID, {
    Type: 'AWS::Config::ConfigRule',
    Properties: configRuleProperties(settings, { Ref: PACK_PARAMETERS.lambdaFunctionArn }, inputParameters),
  });
  const target = settings.remediationTarget;
  const includesRemediation = remediation === 'always' || target !== undefined;
  if (includesRemediation) {
    template.parameter(PACK_PARAMETERS.runbookName, 'Name of the remediation runbook (SSM document)');
    template.parameter(PACK_PARAMETERS.automationAssumeRole, 'Literal ARN of the role the runbook runs as');
    const bucket = settings.backupBucket;
    if (bucket.kind !== 'none') {
      template.parameter(
        PACK_PARAMETERS.backupBucketName,
        'Bucket that receives the backups',
        bucket.kind === 'existing' ? bucket.name : undefined,
      );
    }
    template.parameter(
      PACK_PARAMETERS.remediationSubnetId,
      'Subnet the runbook recreates notebooks in',
      target?.subnetId,
    );
    const securityGroupIds = PACK_SECURITY_GROUP_PARAMETERS.map((parameter, index) => {
      const group = target?.securityGroupIds[index];
      // The first group is required (no default without a target); the others may stay empty.
      template.parameter(
        parameter,
        `Security group ${index + 1} of recreated notebooks`,
        index === 0 ? group : (group ?? ''),
      );
      return index === 0 ? { Ref: parameter } : template.ifSet(parameter);
    });
    template.parameter(
      PACK_PARAMETERS.remediationDirectInternetAccess,
      'Disabled or Enabled',
      target?.directInternetAccess ?? 'Disabled',
    );
    const properties = remediationProperties(
      settings,
      {
        runbookName: { Ref: PACK_PARAMETERS.runbookName },
        automationRoleArn: { Ref: PACK_PARAMETERS.automationAssumeRole },
        ...(bucket.kind !== 'none' && { backupBucketName: { Ref: PACK_PARAMETERS.backupBucketName } }),
      },
      {
        subnetId: { Ref: PACK_PARAMETERS.remediationSubnetId },
        securityGroupIds,
        directInternetAccess: { Ref: PACK_PARAMETERS.remediationDirectInternetAccess },
      },
    );
    template.resource(PACK_REMEDIATION_ID, {
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: PACK_RULE_ID,
      Properties: properties,
    });
  }
  const body = template.build();
  const yaml = `${HEADER}${stringify(body, { lineWidth: 0 })}`;
  const bytes = Buffer.byteLength(yaml);
  if (bytes >= MAX_PACK_TEMPLATE_BYTES) {
    throw new Error(
      `The conformance pack template is ${bytes} bytes, over AWS's inline limit of ${MAX_PACK_TEMPLATE_BYTES}`,
    );
  }
  return { template: body, yaml, includesRemediation };
}

class PackTemplateBuilder {
  private readonly parameters: Record<string, PackParameter> = {};
  private readonly conditions: Record<string, unknown> = {};
  private readonly resources: Record<string, PackTemplate['Resources'][string]> = {};

  /** A String parameter; `defaultValue` undefined = no default (required when the pack is deployed). */
  parameter(name: string, description: string, defaultValue?: string): void {
    this.parameters[name] = {
      Type: 'String',
      Description: description,
      ...(defaultValue !== undefined && { Default: defaultValue }),
    };
  }

  /** The parameter's value, or nothing at all (AWS::NoValue) when it is empty: AWS's sample-pack pattern. */
  ifSet(parameter: string): CfnValue {
    const condition = `${parameter}IsSet`;
    this.conditions[condition] = { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: parameter }] }] };
    return { 'Fn::If': [condition, { Ref: parameter }, { Ref: 'AWS::NoValue' }] };
  }

  resource(logicalId: string, resource: PackTemplate['Resources'][string]): void {
    this.resources[logicalId] = resource;
  }

  build(): PackTemplate {
    return { Parameters: this.parameters, Conditions: this.conditions, Resources: this.resources };
  }
}

/** The values a deployment passes for the pack's parameters that have no default. */
export interface PackBindings {
  readonly lambdaFunctionArn: string;
  readonly runbookName?: string;
  readonly automationAssumeRole?: string;
  readonly backupBucketName?: string;
  /** Overrides the target defaults (the member template of several regions passes its region's). */
  readonly target?: PackTargetValues;
}

/** The remediation target as the pack's parameters take it: one value per security group slot ('' = none). */
export interface PackTargetValues {
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly directInternetAccess: string;
}

export function packInputParameters(
  pack: ConformancePack,
  bindings: PackBindings,
): { parameterName: string; parameterValue: string }[] {
  const { target } = bindings;
  const values: Record<string, string | undefined> = {
    [PACK_PARAMETERS.lambdaFunctionArn]: bindings.lambdaFunctionArn,
    [PACK_PARAMETERS.runbookName]: bindings.runbookName,
    [PACK_PARAMETERS.automationAssumeRole]: bindings.automationAssumeRole,
    [PACK_PARAMETERS.backupBucketName]: bindings.backupBucketName,
    ...(target && {
      [PACK_PARAMETERS.remediationSubnetId]: target.subnetId,
      [PACK_PARAMETERS.remediationDirectInternetAccess]: target.directInternetAccess,
      ...Object.fromEntries(
        PACK_SECURITY_GROUP_PARAMETERS.map((parameter, index) => [parameter, target.securityGroupIds[index]]),
      ),
    }),
  };
  return Object.entries(values).flatMap(([parameterName, parameterValue]) =>
    parameterValue !== undefined && parameterName in pack.template.Parameters
      ? [{ parameterName, parameterValue }]
      : [],
  );
}

const HEADER = [
  '# sagemaker-notebook-vpc-guard conformance pack, generated by `npm run synth` from the deployment settings.',
  '# Deploy it yourself with the parameters that have no default, e.g.:',
  `#   aws configservice put-conformance-pack --conformance-pack-name sagemaker-notebook-vpc-guard \\`,
  '#     --template-body file://dist/conformance-pack.yaml \\',
  `#     --conformance-pack-input-parameters ParameterName=${PACK_PARAMETERS.lambdaFunctionArn},ParameterValue=<arn> ...`,
  '',
].join('\n');
