/**
 * `iacOwnershipTagKeys`: the tags that mark a notebook CloudFormation (and so CDK) or Terraform owns — a tag key, or
 * `Key=Value`. One list for both parts: the rule's findings name the owner and say where to fix the notebook (its
 * IacOwnershipTagKeys parameter), and the runbook refuses to recreate such a notebook behind its owner's back
 * (the list is written into its check document with the rule's parameters: whoever starts the runbook may add
 * markers, never remove these). Unset: both use their default markers (rule/ownership.ts).
 */
import { parseIacOwnershipMarkers } from '../../rule/ownership';
import { InvalidSettingError } from './checks';
import type { NotebookVpcGuardProps } from './props';

export function resolveIacOwnershipTagKeys(
  props: Pick<NotebookVpcGuardProps, 'iacOwnershipTagKeys' | 'ruleParameters'>,
): readonly string[] | undefined {
  if (props.ruleParameters && 'iacOwnershipTagKeys' in props.ruleParameters) {
    throw new InvalidSettingError(
      'ruleParameters',
      'set the ownership markers with the iacOwnershipTagKeys setting: the runbook checks the same ones',
    );
  }
  if (props.iacOwnershipTagKeys === undefined) return undefined;
  try {
    const markers = parseIacOwnershipMarkers(props.iacOwnershipTagKeys);
    if (markers.length === 0)
      throw new Error('must name at least one marker (leave it unset for the defaults)');
    return markers;
  } catch (error) {
    throw new InvalidSettingError('iacOwnershipTagKeys', (error as Error).message);
  }
}
