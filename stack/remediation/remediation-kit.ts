/**
 * Everything an account needs to run the runbook: the backup bucket (created, existing or none), the
 * document, its automation role and the managed policy for notebook roles. Deployed in the stack's account
 * (single account) and by the StackSet in every member account (organization mode).
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { RemediationBindings } from '../detection/config-resources';
import type { GuardSettings } from '../settings/index';
import { BackupBucket } from './backup-bucket';
import { NotebookRolePolicy } from './notebook-role-policy';
import { RemediationRunbook } from './runbook';

/** The kit's resources as the runbook's parameters: deployed names and ARNs (CDK tokens). */
export interface KitBindings extends RemediationBindings {
  readonly runbookName: string;
  /** The check document the runbook runs first (read-only). */
  readonly checkDocumentName: string;
  readonly automationRoleArn: string;
  readonly backupBucketName?: string;
}

export class RemediationKit extends Construct {
  readonly backupBucket?: BackupBucket;
  readonly backupBucketName?: string;
  readonly runbook: RemediationRunbook;
  readonly notebookRolePolicy?: iam.ManagedPolicy;

  /** `sharedRoleName`: several regions share one automation role (see RemediationRunbookProps). */
  constructor(scope: Construct, id: string, settings: GuardSettings, sharedRoleName?: string) {
    super(scope, id);
    const choice = settings.backupBucket;
    let backupKmsKeyArn = settings.backupKmsKeyArn;
    if (choice.kind === 'create') {
      this.backupBucket = new BackupBucket(this, 'Backups', {
        prefix: settings.backupPrefix,
        retentionDays: choice.retentionDays,
        notebookRoles: settings.allowedNotebookRoles,
        ...(backupKmsKeyArn !== undefined && { kmsKeyArn: backupKmsKeyArn }),
      });
      this.backupBucketName = this.backupBucket.bucket.bucketName;
      backupKmsKeyArn = this.backupBucket.key.keyArn;
    } else if (choice.kind === 'existing') {
      this.backupBucketName = choice.name;
    }
    this.runbook = new RemediationRunbook(this, 'Runbook', {
      settings,
      ...(sharedRoleName !== undefined && { sharedRoleName }),
      ...(this.backupBucketName !== undefined && { backupBucketName: this.backupBucketName }),
      ...(backupKmsKeyArn !== undefined && { backupKmsKeyArn }),
    });
    this.backupBucket?.allowOnly(this.runbook.automationRole);
    if (this.backupBucketName !== undefined) {
      this.notebookRolePolicy = new NotebookRolePolicy(this, 'NotebookRolePolicy', {
        bucketName: this.backupBucketName,
        prefix: settings.backupPrefix,
        ...(backupKmsKeyArn !== undefined && { kmsKeyArn: backupKmsKeyArn }),
      }).policy;
    }
  }

  /** What a remediation configuration or the Security Hub action passes to the runbook. */
  get bindings(): KitBindings {
    return {
      runbookName: this.runbook.documentName,
      checkDocumentName: this.runbook.checkDocument.ref,
      automationRoleArn: this.runbook.automationRole.roleArn,
      ...(this.backupBucketName !== undefined && { backupBucketName: this.backupBucketName }),
    };
  }
}
