/**
 * The remediation runbook as an SSM Automation document — exactly dist/remediation/runbook.json, as built — and
 * the role it runs as. The role's permissions are generated from that document's steps (remediation/iam.ts),
 * so the role cannot drift from what the document calls.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { type ResourceScope, requiredPermissions } from '../../remediation/iam';
import { builtRunbook } from '../artifacts';
import { importSharedRole } from '../regions/shared-roles';
import type { GuardSettings } from '../settings/index';
import { acknowledgeWildcards, notebookRoleArns, permissionStatements } from './permissions';
import { AUTOMATION_ROLE_PATH } from './role-path';

export interface RemediationRunbookProps {
  readonly settings: GuardSettings;
  /** Absent: the role gets no S3 access and the runbook needs AllowDataLoss=true. */
  readonly backupBucketName?: string;
  /** Several regions: the account's shared role (automationRoleProps), to which this region adds its policy. */
  readonly sharedRoleName?: string;
}

/** The automation role without its permissions (each region adds its own): trust, path and description. */
export function automationRoleProps(): iam.RoleProps {
  return {
    description: 'sagemaker-notebook-vpc-guard runbook: recreates a notebook instance in a subnet',
    // The guardrails let this path carry a notebook's exemption tag over (role-path.ts).
    path: AUTOMATION_ROLE_PATH,
    // Only Automation executions of this account may assume it (confused-deputy protection).
    assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ssm:*:${Aws.ACCOUNT_ID}:automation-execution/*` },
      },
    }),
  };
}

export class RemediationRunbook extends Construct {
  readonly document: ssm.CfnDocument;
  readonly automationRole: iam.IRole;

  constructor(scope: Construct, id: string, props: RemediationRunbookProps) {
    super(scope, id);
    this.document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: builtRunbook(),
    });
    this.automationRole =
      props.sharedRoleName === undefined
        ? new iam.Role(this, 'AutomationRole', automationRoleProps())
        : importSharedRole(this, 'AutomationRole', props.sharedRoleName, AUTOMATION_ROLE_PATH);
    const arns: ResourceScope = {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      prefix: props.settings.backupPrefix,
      notebookRoleArns: notebookRoleArns(props.settings.allowedNotebookRoles),
      kmsKeyArns: props.settings.notebookKmsKeyArns,
      // Its pre-check simulates its own policies, and nobody else's.
      automationRoleArn: this.automationRole.roleArn,
      ...(props.backupBucketName !== undefined && { bucket: props.backupBucketName }),
    };
    const statements = permissionStatements(requiredPermissions(builtRunbook()), arns);
    for (const statement of statements) this.automationRole.addToPrincipalPolicy(statement);
    acknowledgeWildcards(this.automationRole, statements);
  }

  get documentName(): string {
    return this.document.ref;
  }
}
