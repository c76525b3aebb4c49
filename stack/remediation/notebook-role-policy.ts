/**
 * A managed policy with what a notebook's execution role needs for the runbook (remediation/iam.ts:
 * NOTEBOOK_ROLE_PERMISSIONS): read and write its own area of the bucket (`<prefix>/data/${aws:userid}/`), use the
 * bucket's SSE-KMS key through S3, and the network interfaces SageMaker creates for a notebook in a VPC. Created
 * unattached: the stack does not change roles it does not own. Attach it to notebook roles that lack these
 * permissions (a bucket the stack creates already grants the S3 part through its bucket policy, and its key
 * through its key policy).
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { NOTEBOOK_ROLE_PERMISSIONS } from '../../remediation/iam';
import { acknowledgeWildcards, permissionStatements } from './permissions';

export interface NotebookRolePolicyProps {
  readonly bucketName: string;
  readonly prefix: string;
  readonly kmsKeyArn?: string;
}

export class NotebookRolePolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: NotebookRolePolicyProps) {
    super(scope, id);
    const statements = permissionStatements(NOTEBOOK_ROLE_PERMISSIONS, {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      bucket: props.bucketName,
      prefix: props.prefix,
      ...(props.kmsKeyArn !== undefined && { backupKmsKeyArn: props.kmsKeyArn }),
    });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description:
        'sagemaker-notebook-vpc-guard: what a notebook execution role needs for backup, restore and VPC',
      statements,
    });
    acknowledgeWildcards(this.policy, statements);
  }
}
