/**
 * Exactly the APIs the rule calls (issue 2's list), for the Lambda's own role and for the role it assumes
 * in member accounts. Scoped to notebooks and Config rules where IAM supports resources; the others have
 * no resource-level permissions. With findings imported, BatchImportFindings on the account's own default
 * product, and nothing else of Security Hub.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Every action the rule calls with findings off; tests compare the synthesized roles with this list. */
export const RULE_ACTIONS = [
  'config:PutEvaluations',
  'config:GetResourceConfigHistory',
  'config:ListDiscoveredResources',
  'config:GetComplianceDetailsByConfigRule',
  'sagemaker:ListNotebookInstances',
  'sagemaker:DescribeNotebookInstance',
  'sagemaker:ListTags',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
] as const;

/** The one more action the rule calls with SECURITY_HUB_FINDINGS=import. */
export const FINDING_IMPORT_ACTION = 'securityhub:BatchImportFindings';

/** What the rule calls with the findings setting given. */
export function ruleActions(securityHubFindings: 'import' | 'off'): string[] {
  return [...RULE_ACTIONS, ...(securityHubFindings === 'import' ? [FINDING_IMPORT_ACTION] : [])];
}

const WITHOUT_RESOURCE_TYPES: readonly (typeof RULE_ACTIONS)[number][] = [
  'config:PutEvaluations',
  'config:GetResourceConfigHistory',
  'config:ListDiscoveredResources',
  'sagemaker:ListNotebookInstances',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
];

/** The statements, in the account and region they are deployed to. */
export function ruleAccessStatements(securityHubFindings: 'import' | 'off'): iam.PolicyStatement[] {
  const arn = (service: string, resource: string) =>
    `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
  return [
    new iam.PolicyStatement({
      sid: 'NoResourceLevelPermissions',
      actions: [...WITHOUT_RESOURCE_TYPES],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadNotebooks',
      actions: ['sagemaker:DescribeNotebookInstance', 'sagemaker:ListTags'],
      resources: [arn('sagemaker', 'notebook-instance/*')],
    }),
    // Rule ARNs carry Config's generated id, not the name, so the rule itself cannot be named here.
    new iam.PolicyStatement({
      sid: 'ReadOwnEvaluations',
      actions: ['config:GetComplianceDetailsByConfigRule'],
      resources: [arn('config', 'config-rule/*')],
    }),
    ...(securityHubFindings === 'import'
      ? [
          new iam.PolicyStatement({
            sid: 'ImportOwnFindings',
            actions: [FINDING_IMPORT_ACTION],
            resources: [arn('securityhub', `product/${Aws.ACCOUNT_ID}/default`)],
          }),
        ]
      : []),
  ];
}

/** cdk-nag findings these statements raise, with the reason each wildcard is needed. */
export const RULE_ACCESS_WILDCARD_REASONS: readonly { readonly id: string; readonly reason: string }[] = [
  {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'config:PutEvaluations, GetResourceConfigHistory, ListDiscoveredResources, sagemaker:ListNotebookInstances ' +
      'and the ec2:Describe* calls have no resource-level permissions (Service Authorization Reference).',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:notebook-instance/*]',
    reason: 'The rule reads every notebook instance of the account and region: that is what it evaluates.',
  },
  {
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:config:<AWS::Region>:<AWS::AccountId>:config-rule/*]',
    reason:
      "Config rule ARNs end in Config's generated rule id (config-rule/config-rule-xxxx), unknown before the rule " +
      'exists and different per conformance pack; scoped to this account and region.',
  },
];
