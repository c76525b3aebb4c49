/**
 * Every region in one deploy (`regions`): the region list, whose first region is the home region (where the
 * account-wide resources go), and the props of each region's construct. A subnet and its security groups exist
 * in one region only, so with several regions the remediation target is given per region (`remediationTargets`)
 * and becomes that region's remediationSubnetId, remediationSecurityGroupIds and remediationDirectInternetAccess.
 */
import { checkList, InvalidSettingError } from './checks';
import type { NotebookVpcGuardProps } from './props';

export interface RegionPlan {
  /** The first region listed: the account stack (and the organization StackSet) deploy there. */
  readonly home: string;
  /** Every region, home first. */
  readonly regions: readonly string[];
  /** Each region's construct props, in the order of `regions`. */
  readonly props: readonly RegionProps[];
}

export interface RegionProps {
  readonly region: string;
  readonly props: NotebookVpcGuardProps;
}

/** Commercial, GovCloud, China and sovereign partitions: `eu-west-1`, `us-gov-west-1`, `eusc-de-east-1`. */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;

/** The plan for props with `regions`; undefined without (one construct in its stack's region). */
export function resolveRegions(props: NotebookVpcGuardProps): RegionPlan | undefined {
  const targets = props.remediationTargets;
  if (props.regions === undefined) {
    if (targets !== undefined) {
      throw new InvalidSettingError(
        'remediationTargets',
        'applies only with regions (it names a target per region)',
      );
    }
    return undefined;
  }
  const regions = checkList('regions', props.regions, REGION, 'a region name (e.g. eu-west-1)');
  const [home] = regions;
  if (home === undefined) {
    throw new InvalidSettingError('regions', "is empty (leave it out to deploy into the stack's region)");
  }
  if (targets !== undefined) {
    const stray = Object.keys(targets).find((region) => !regions.includes(region));
    if (stray !== undefined) {
      throw new InvalidSettingError(
        `remediationTargets.${stray}`,
        `is not one of regions (${regions.join(', ')})`,
      );
    }
  }
  const singleTarget =
    props.remediationSubnetId !== undefined || props.remediationSecurityGroupIds !== undefined;
  if (singleTarget && (targets !== undefined || regions.length > 1)) {
    throw new InvalidSettingError(
      'remediationSubnetId',
      'names one subnet, which exists in one region only: with regions, give each region its target in ' +
        'remediationTargets ({"<region>": {"subnetId": …, "securityGroupIds": […]}})',
    );
  }
  return {
    home,
    regions,
    props: regions.map((region) => ({ region, props: propsForRegion(props, region) })),
  };
}

/** One region's props: its target in place of remediationTargets (or the single target, with one region). */
function propsForRegion(props: NotebookVpcGuardProps, region: string): NotebookVpcGuardProps {
  const { regions: _regions, remediationTargets, ...rest } = props;
  if (remediationTargets === undefined) return rest;
  const target = remediationTargets[region];
  const { remediationDirectInternetAccess, ...withoutAccess } = rest;
  if (target === undefined) return withoutAccess;
  return {
    ...withoutAccess,
    remediationSubnetId: target.subnetId,
    remediationSecurityGroupIds: target.securityGroupIds,
    ...((target.directInternetAccess ?? remediationDirectInternetAccess) !== undefined && {
      remediationDirectInternetAccess: target.directInternetAccess ?? remediationDirectInternetAccess,
    }),
  };
}
