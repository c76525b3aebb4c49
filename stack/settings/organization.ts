/**
 * Organization mode: the rule Lambda stays in this (delegated-admin or management) account and a
 * service-managed StackSet prepares every member account of the target OUs.
 */
import { checkList, checkOneOf, checkPattern, InvalidSettingError } from './checks';
import {
  type Deployment,
  ORGANIZATION_COVERAGES,
  type OrganizationCoverage,
  type OrganizationProps,
  type StackSetCallAs,
} from './props';

export interface OrganizationSettings {
  readonly organizationId: string;
  readonly targetOrganizationalUnitIds: readonly string[];
  readonly coverage: OrganizationCoverage;
  readonly memberAccountIds?: readonly string[];
  readonly memberRoleName: string;
  readonly callAs: StackSetCallAs;
}

export const DEFAULT_MEMBER_ROLE_NAME = 'SageMakerNotebookVpcGuardMember';
/** Lambda resource policies are limited to 20 KB: about this many SourceAccount statements. */
const MAX_MEMBER_ACCOUNTS = 100;

export function resolveOrganization(
  deployment: Deployment,
  organization: OrganizationProps | undefined,
): OrganizationSettings | undefined {
  if (deployment !== 'organization') {
    if (organization !== undefined) {
      throw new InvalidSettingError('organization', 'applies only with deployment=organization');
    }
    return undefined;
  }
  if (organization === undefined) {
    throw new InvalidSettingError(
      'organization',
      'is required with deployment=organization (at least organizationId and targetOrganizationalUnitIds)',
    );
  }
  const targets = checkList(
    'organization.targetOrganizationalUnitIds',
    organization.targetOrganizationalUnitIds ?? [],
    /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/,
    'an OU id (ou-…) or the root id (r-…)',
  );
  if (targets.length === 0) {
    throw new InvalidSettingError(
      'organization.targetOrganizationalUnitIds',
      'must name at least one OU or the root',
    );
  }
  const accounts = organization.memberAccountIds;
  if (accounts !== undefined && (accounts.length === 0 || accounts.length > MAX_MEMBER_ACCOUNTS)) {
    throw new InvalidSettingError(
      'organization.memberAccountIds',
      `must list 1 to ${MAX_MEMBER_ACCOUNTS} accounts (or be left out to let Config in any account invoke the Lambda)`,
    );
  }
  return {
    organizationId: checkPattern(
      'organization.organizationId',
      organization.organizationId ?? '',
      /^o-[a-z0-9]{10,32}$/,
      'an organization id (o-…)',
    ),
    targetOrganizationalUnitIds: targets,
    coverage: checkOneOf(
      'organization.coverage',
      organization.coverage ?? 'member-conformance-packs',
      ORGANIZATION_COVERAGES,
    ),
    ...(accounts && {
      memberAccountIds: checkList(
        'organization.memberAccountIds',
        accounts,
        /^\d{12}$/,
        'a 12-digit account id',
      ),
    }),
    memberRoleName: checkPattern(
      'organization.memberRoleName',
      organization.memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
      /^[\w+=,.@-]{1,40}$/,
      'a role name of at most 40 characters (the region is appended)',
    ),
    callAs: checkOneOf('organization.callAs', organization.callAs ?? 'DELEGATED_ADMIN', [
      'SELF',
      'DELEGATED_ADMIN',
    ] as const),
  };
}
