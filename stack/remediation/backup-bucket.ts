/**
 * The bucket that receives each notebook's data before the runbook deletes anything. The backup and restore run
 * ON the notebook (lifecycle hooks), with the notebook's own execution role; each of its sessions gets an area of
 * its own, keyed on `${aws:userid}` (`<role unique id>:SageMaker` on a notebook): `<prefix>/data/${aws:userid}/`.
 *
 * The bucket policy keeps everyone apart with explicit Deny statements, because an Allow elsewhere cannot be
 * narrowed by ours (console-created notebook roles carry AmazonSageMakerFullAccess, whose S3 grant matches any
 * bucket named `*sagemaker*`): nobody but the automation role reads, writes or lists outside their own area
 * (the runbook's manifests and records under `<prefix>/runs/` included); nobody tags objects but the automation
 * role (only a completed run's objects expire); nobody deletes a backup object. Encrypted with SSE-KMS: a key of
 * the stack's, or `backupKmsKeyArn`; notebook roles may use the stack's key through S3 only.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NOTEBOOK_ROLE_PERMISSIONS, resourceArns } from '../../remediation/iam';
import { COMPLETED_TAG, OWN_AREA } from '../../remediation/layout';
import { notebookRoleArns } from './permissions';

export interface BackupBucketProps {
  readonly prefix: string;
  readonly retentionDays: number;
  /** Notebook execution roles (names with optional `*`, or ARNs) that back up to and restore from it. */
  readonly notebookRoles: readonly string[];
  /** The bucket's key; absent: the stack creates one. */
  readonly kmsKeyArn?: string;
}

/** Old versions stay restorable for a while after a completed backup expires or is overwritten. */
const NONCURRENT_VERSION_DAYS = 30;

export class BackupBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.IKey;
  private readonly ownArea: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: BackupBucketProps,
  ) {
    super(scope, id);
    this.key = props.kmsKeyArn ? kms.Key.fromKeyArn(this, 'Key', props.kmsKeyArn) : this.stackKey();
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Backups are the only copy of deleted notebooks' data: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // Only a completed run's objects are tagged so: an unfinished run's backup never expires.
          id: 'ExpireCompletedBackups',
          prefix: `${props.prefix}/`,
          tagFilters: { [COMPLETED_TAG.key]: COMPLETED_TAG.value },
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
        },
        {
          id: 'AbortIncompleteUploads',
          prefix: `${props.prefix}/`,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    this.ownArea = resourceArns('own-backup-area', this.layout())[0] as string;
    // Same-account roles need no identity policy: the bucket policy grants each its own area.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NotebookRolesOwnArea',
        principals: [new iam.AnyPrincipal()],
        actions: NOTEBOOK_ROLE_PERMISSIONS.filter(
          (permission) => permission.resource === 'own-backup-area',
        ).map((permission) => permission.action),
        resources: [this.ownArea],
        conditions: this.notebookRolesOnly(),
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the runbook (automation role) and the notebooks (their execution roles, by bucket policy) write ' +
        'here; record access with CloudTrail S3 data events rather than a second bucket of access logs.',
    });
  }

  /**
   * The explicit denies that keep notebook roles, other teams and anyone else apart; `automationRole` (the
   * runbook's role) alone may use the whole prefix.
   */
  allowOnly(automationRole: iam.IRole): void {
    const exceptTheRunbook = { ArnNotEquals: { 'aws:PrincipalArn': automationRole.roleArn } };
    const everyone = [new iam.AnyPrincipal()];
    const deny = (sid: string, statement: Omit<iam.PolicyStatementProps, 'sid' | 'effect' | 'principals'>) =>
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: everyone, ...statement }),
      );
    deny('DenyObjectsOutsideOwnArea', {
      actions: ['s3:GetObject*', 's3:PutObject*', 's3:RestoreObject', 's3:AbortMultipartUpload'],
      notResources: [this.ownArea],
      conditions: exceptTheRunbook,
    });
    deny('DenyListingOutsideOwnArea', {
      actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads'],
      resources: [this.bucket.bucketArn],
      conditions: {
        ...exceptTheRunbook,
        StringNotLike: { 's3:prefix': [`${this.props.prefix}/${OWN_AREA}/*`] },
      },
    });
    deny('DenyTaggingButTheRunbook', {
      actions: ['s3:PutObjectTagging', 's3:PutObjectVersionTagging', 's3:DeleteObjectTagging'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: exceptTheRunbook,
    });
    deny('DenyDeletingBackups', {
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [this.bucket.arnForObjects('*')],
    });
  }

  private layout() {
    return {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      bucket: this.bucket.bucketName,
      prefix: this.props.prefix,
    };
  }

  private notebookRolesOnly(): Record<string, Record<string, unknown>> {
    return {
      ArnLike: { 'aws:PrincipalArn': [...notebookRoleArns(this.props.notebookRoles)] },
      StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID },
    };
  }

  /** A key of the stack's, rotated; notebook roles may use it through S3 only. */
  private stackKey(): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: 'sagemaker-notebook-vpc-guard: the backup bucket of notebook volumes',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'NotebookRolesThroughS3',
        principals: [new iam.AnyPrincipal()],
        actions: NOTEBOOK_ROLE_PERMISSIONS.filter(
          (permission) => permission.resource === 'backup-bucket-kms-key',
        ).map((permission) => permission.action),
        resources: ['*'],
        conditions: {
          ...this.notebookRolesOnly(),
          StringEquals: {
            'aws:PrincipalAccount': Aws.ACCOUNT_ID,
            'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com`,
          },
        },
      }),
    );
    return key;
  }
}
