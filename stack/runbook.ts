/**
 * The remediation runbook as an SSM Automation document, and the role it runs as. The role's permissions
 * are generated from the runbook's own permission list (remediation/iam.ts, derived from the document's
 * steps), so the role cannot drift from what the document calls.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AUTOMATION_ROLE_PERMISSIONS, type ResourceScope, RUNBOOK } from '../remediation/index';
import { notebookRoleArns, permissionStatements } from './permissions';
import type { GuardSettings } from './settings';

export interface RemediationRunbookProps {
  readonly settings: GuardSettings;
  /** Absent: the role gets no S3 access and the runbook needs AllowDataLoss=true. */
  readonly backupBucketName?: string;
}

export class RemediationRunbook extends Construct {
  readonly document: ssm.CfnDocument;
  readonly automationRole: iam.Role;

  constructor(scope: Construct, id: string, props: RemediationRunbookProps) {
    super(scope, id);
    this.document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: RUNBOOK,
    });
    this.automationRole = new iam.Role(this, 'AutomationRole', {
      description: 'sagemaker-notebook-vpc-guard runbook: recreates a notebook instance in a subnet',
      // Only Automation executions of this account may assume it (confused-deputy protection).
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:automation-execution/*` },
        },
      }),
    });
    const scope_: ResourceScope = {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      prefix: props.settings.backupPrefix,
      notebookRoleArns: notebookRoleArns(props.settings.allowedNotebookRoles),
      kmsKeyArns: props.settings.notebookKmsKeyArns,
      ...(props.backupBucketName !== undefined && { bucket: props.backupBucketName }),
    };
    for (const statement of permissionStatements(AUTOMATION_ROLE_PERMISSIONS, scope_)) {
      this.automationRole.addToPrincipalPolicy(statement);
    }
    acknowledgeWildcards(this.automationRole, props.settings);
  }

  get documentName(): string {
    return this.document.ref;
  }
}

function acknowledgeWildcards(role: iam.Role, settings: GuardSettings): void {
  const account = '<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>';
  const reasons: [string, string][] = [
    [
      'Resource::*',
      'ec2:DescribeSubnets, ec2:DescribeSecurityGroups and sagemaker:ListNotebookInstances have no resource-level permissions.',
    ],
    [
      `Resource::arn:${account}:notebook-instance/*`,
      'The runbook acts on whichever notebook Config or Security Hub names; scoped to notebook instances of this account and region.',
    ],
    [
      `Resource::arn:${account}:notebook-instance-lifecycle-config/*`,
      "Only Describe: the runbook reads the notebook's own lifecycle configuration, whatever its name, to restore it afterwards.",
    ],
    [
      `Resource::arn:${account}:notebook-instance-lifecycle-config/vpc-guard-*`,
      'Create, update and delete only the temporary lifecycle configurations the runbook itself names vpc-guard-<...>.',
    ],
  ];
  for (const role_ of settings.allowedNotebookRoles.filter((name) => name.includes('*'))) {
    reasons.push([
      `Resource::${role_.startsWith('arn:') ? role_ : `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${role_}`}`,
      'iam:PassRole to SageMaker only (iam:PassedToService), for the notebook execution roles the deployer allowed by name pattern.',
    ]);
  }
  for (const [finding, reason] of reasons) {
    Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
