/**
 * The bucket that receives each notebook's data before the runbook deletes anything, and the access the
 * notebooks' own execution roles need to it: the backup and restore run ON the notebook (lifecycle hooks
 * with `aws s3 sync`), with the notebook's credentials.
 */
import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NOTEBOOK_ROLE_PERMISSIONS, type ResourceScope, resourceArns } from '../../remediation/iam';
import { notebookRoleArns } from './permissions';

export interface BackupBucketProps {
  readonly prefix: string;
  readonly retentionDays: number;
  /** Notebook execution roles (names with optional `*`, or ARNs) that may read and write backups. */
  readonly notebookRoles: readonly string[];
}

/** Old versions stay restorable for a while after a backup expires or is overwritten. */
const NONCURRENT_VERSION_DAYS = 30;

export class BackupBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Backups are the only copy of deleted notebooks' data: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireOldBackups',
          prefix: `${props.prefix}/`,
          expiration: Duration.days(props.retentionDays),
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: 'RemoveExpiredDeleteMarkers', expiredObjectDeleteMarker: true },
      ],
    });
    // Same-account roles need no identity policy when the bucket policy names them (by ARN pattern).
    const arns: ResourceScope = {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      bucket: this.bucket.bucketName,
      prefix: props.prefix,
    };
    const principalIs = {
      ArnLike: { 'aws:PrincipalArn': [...notebookRoleArns(props.notebookRoles)] },
      StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID },
    };
    for (const kind of ['backup-bucket', 'backup-objects'] as const) {
      const actions = NOTEBOOK_ROLE_PERMISSIONS.filter((permission) => permission.resource === kind).map(
        (permission) => permission.action,
      );
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: kind === 'backup-bucket' ? 'NotebookRolesListBackups' : 'NotebookRolesReadWriteBackups',
          principals: [new iam.AnyPrincipal()],
          actions,
          resources: [...resourceArns(kind, arns)],
          conditions:
            kind === 'backup-bucket'
              ? { ...principalIs, StringLike: { 's3:prefix': [`${props.prefix}/*`] } }
              : principalIs,
        }),
      );
    }
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the runbook (automation role) and the notebooks (their execution roles, by bucket policy) write ' +
        'here; record access with CloudTrail S3 data events rather than a second bucket of access logs.',
    });
  }
}
