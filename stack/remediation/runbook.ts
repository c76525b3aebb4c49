/**
 * The remediation runbook as SSM Automation documents — the check document it runs first and the runbook itself,
 * both exactly as built (dist/remediation/), with this deployment's settings written into the check and the
 * check's name into the runbook (remediation/documents.ts) — and the role both run as. The role's permissions are
 * generated from the documents' steps (remediation/iam.ts), so the role cannot drift from what they call; its
 * CreateNotebookInstance carries the guardrail's conditions (the same deny statements, for this region), so it
 * cannot create a notebook the guardrail forbids.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { namingCheckDocument, type TrustedSettings, withSettings } from '../../remediation/documents';
import { type ResourceScope, requiredPermissions } from '../../remediation/iam';
import { toInputParameters } from '../../rule/parameters';
import { builtCheckDocument, builtRunbook } from '../artifacts';
import { guardrailPolicies } from '../guardrails/index';
import { importSharedRole } from '../regions/shared-roles';
import type { GuardSettings } from '../settings/index';
import { acknowledgeWildcards, notebookRoleArns, permissionStatements } from './permissions';
import { AUTOMATION_ROLE_PATH } from './role-path';

export interface RemediationRunbookProps {
  readonly settings: GuardSettings;
  /** Absent: the role gets no S3 access and the runbook needs AllowDataLoss=true. */
  readonly backupBucketName?: string;
  /** The backup bucket's SSE-KMS key, when it has one. */
  readonly backupKmsKeyArn?: string;
  /** Several regions: the account's shared role (automationRoleProps), to which this region adds its policy. */
  readonly sharedRoleName?: string;
}

/**
 * The automation role without its permissions (each region adds its own): trust, path and description. Only
 * Automation executions of this account, in the regions that deploy the runbook, may assume it (confused-deputy
 * protection). An execution's ARN does not name its document, so no condition can narrow this to these
 * documents: who may pass the role (iam:PassRole) is what limits it (see the README's threat model).
 */
export function automationRoleProps(regions: readonly string[] = [Aws.REGION]): iam.RoleProps {
  return {
    description: 'sagemaker-notebook-vpc-guard runbook: recreates a notebook instance in a subnet',
    // The guardrails let this path carry a notebook's exemption tag over (role-path.ts).
    path: AUTOMATION_ROLE_PATH,
    assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        ArnLike: {
          'aws:SourceArn': regions.map(
            (region) => `arn:${Aws.PARTITION}:ssm:${region}:${Aws.ACCOUNT_ID}:automation-execution/*`,
          ),
        },
      },
    }),
  };
}

/** What every run is checked against: the rule's parameters and the backup bucket, only admins can change them. */
export function trustedSettings(settings: GuardSettings, backupBucketName?: string): TrustedSettings {
  return {
    ...(backupBucketName !== undefined && { BackupBucketName: backupBucketName }),
    BackupPrefix: settings.backupPrefix,
    Rule: toInputParameters(settings.ruleParameters),
  };
}

export class RemediationRunbook extends Construct {
  readonly checkDocument: ssm.CfnDocument;
  readonly document: ssm.CfnDocument;
  readonly automationRole: iam.IRole;

  constructor(scope: Construct, id: string, props: RemediationRunbookProps) {
    super(scope, id);
    this.checkDocument = new ssm.CfnDocument(this, 'CheckDocument', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: withSettings(builtCheckDocument(), trustedSettings(props.settings, props.backupBucketName)),
    });
    this.document = new ssm.CfnDocument(this, 'Document', {
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: namingCheckDocument(builtRunbook(), this.checkDocument.ref),
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
      checkDocumentName: this.checkDocument.ref,
      ...(props.backupBucketName !== undefined && { bucket: props.backupBucketName }),
      ...(props.backupKmsKeyArn !== undefined && { backupKmsKeyArn: props.backupKmsKeyArn }),
    };
    const permissions = requiredPermissions([builtRunbook(), builtCheckDocument()]);
    const statements = permissionStatements(permissions, arns);
    for (const statement of statements) this.automationRole.addToPrincipalPolicy(statement);
    acknowledgeWildcards(this.automationRole, statements);
    // The guardrail's own statements, for this region (a shared role carries every region's): the runbook never
    // creates a notebook where the guardrail would deny it.
    for (const statement of guardrailPolicies(props.settings.guardrails.settings).iamPolicy.Statement) {
      const inThisRegion = { ...statement.Condition.StringEquals, 'aws:RequestedRegion': Aws.REGION };
      const conditions = { ...statement.Condition, StringEquals: inThisRegion };
      this.automationRole.addToPrincipalPolicy(
        iam.PolicyStatement.fromJson({ ...statement, Condition: conditions }),
      );
    }
  }

  get documentName(): string {
    return this.document.ref;
  }
}
