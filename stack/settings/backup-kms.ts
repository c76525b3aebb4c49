/**
 * The backup bucket's SSE-KMS key. A bucket the stack creates is encrypted with a key the stack creates unless
 * `backupKmsKeyArn` names one; an existing bucket's key is named so the notebook roles and the automation role are
 * granted it (through S3 only). Backups of a KMS-encrypted notebook volume are never left weaker than the volume.
 */
import { checkPattern, InvalidSettingError, KMS_KEY_ARN } from './checks';
import type { NotebookVpcGuardProps } from './props';

export function resolveBackupKmsKeyArn(
  props: Pick<NotebookVpcGuardProps, 'backupKmsKeyArn'>,
  backupBucket: 'create' | 'existing' | 'none',
  organizationMode: boolean,
): string | undefined {
  const key = props.backupKmsKeyArn;
  if (key === undefined) return undefined;
  if (backupBucket === 'none') {
    throw new InvalidSettingError(
      'backupKmsKeyArn',
      'applies only with a backup bucket (backupBucket is "none")',
    );
  }
  if (organizationMode) {
    throw new InvalidSettingError(
      'backupKmsKeyArn',
      'is not available in organization mode: a key ARN exists in one account only (each member account gets a key of its own)',
    );
  }
  return checkPattern('backupKmsKeyArn', key, KMS_KEY_ARN, 'a KMS key ARN');
}
