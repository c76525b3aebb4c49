/**
 * `cloudFormationHook`: whether a CloudFormation Lambda hook checks notebooks before they are created or
 * updated (CloudFormation, CDK and Cloud Control API deployments), and what a failed check does: `warn` lets
 * the deployment go on with a warning, `fail` stops it. In organization mode the hook goes to every member
 * account through the StackSet, calling the hook Lambda of the admin account in its region.
 */
import { checkOneOf, InvalidSettingError } from './checks';

export const CLOUDFORMATION_HOOK_MODES = ['off', 'warn', 'fail'] as const;
export type CloudFormationHookMode = (typeof CLOUDFORMATION_HOOK_MODES)[number];

/**
 * Organization mode names the hook Lambda's role `<ruleName>-hook-<region>` (members build its ARN): an IAM
 * role name has at most 64 characters, a region name up to 15.
 */
export const MAX_ORGANIZATION_HOOK_RULE_NAME = 64 - '-hook-'.length - 15;

export function resolveCloudFormationHook(
  mode: CloudFormationHookMode | undefined,
  ruleName: string,
  organizationMode: boolean,
): CloudFormationHookMode {
  const resolved = checkOneOf('cloudFormationHook', mode ?? 'off', CLOUDFORMATION_HOOK_MODES);
  if (resolved !== 'off' && organizationMode && ruleName.length > MAX_ORGANIZATION_HOOK_RULE_NAME) {
    throw new InvalidSettingError(
      'cloudFormationHook',
      `in organization mode needs a ruleName of at most ${MAX_ORGANIZATION_HOOK_RULE_NAME} characters ` +
        `(the hook Lambda's role is named <ruleName>-hook-<region>), got ${ruleName.length}`,
    );
  }
  return resolved;
}
