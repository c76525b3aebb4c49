/**
 * The guardrails follow the rule's settings — a change in approved subnets changes both policies — and
 * settings that a guardrail cannot express, or that would make it deny the runbook, fail with clear errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toRuleParameters } from '../../../rule/parameters';
import {
  type GuardrailSettings,
  GuardrailSettingsError,
  GuardrailTooLargeError,
  guardrailPolicies,
  MANAGED_POLICY_MAX_CHARACTERS,
  managedPolicyCharacters,
  type PolicyDocument,
  SIDS,
} from '../../../stack/guardrails';
import { EXAMPLE_RULE, EXAMPLE_SETTINGS, EXAMPLE_TARGET, subnetsOfVpcs } from './support';

const subnetId = fc.stringMatching(/^[0-9a-f]{17}$/).map((hex) => `subnet-${hex}`);
const subnetLists = fc.uniqueArray(subnetId, { minLength: 1, maxLength: 40 });

function conditionValues(document: PolicyDocument, sid: string): unknown {
  const statement = document.Statement.find((candidate) => candidate.Sid === sid);
  return statement && Object.values(statement.Condition).flatMap((keys) => Object.values(keys));
}

/** Settings whose rule approves exactly these subnets (parsed the way Config's parameters are). */
function withApprovedSubnets(subnetIds: readonly string[]): GuardrailSettings {
  return {
    rule: toRuleParameters({ SubnetIds: subnetIds.join(',') }),
    remediationTarget: { ...EXAMPLE_TARGET, subnetId: subnetIds[0] ?? '' },
  };
}

describe('following the rule', () => {
  it('denies exactly the subnets outside SubnetIds, in both policies', () => {
    fc.assert(
      fc.property(subnetLists, (subnetIds) => {
        const { scp, iamPolicy } = guardrailPolicies(withApprovedSubnets(subnetIds));
        const approved = [[...subnetIds].sort()];
        expect(conditionValues(scp, SIDS.unapprovedSubnet)).toEqual(approved);
        expect(conditionValues(iamPolicy, SIDS.unapprovedSubnet)).toEqual(approved);
      }),
    );
  });

  it('changes both policies when the approved subnets change', () => {
    fc.assert(
      fc.property(subnetLists, subnetLists, (first, second) => {
        fc.pre(new Set(first).size !== new Set(second).size || first.some((id) => !second.includes(id)));
        const a = guardrailPolicies(withApprovedSubnets(first));
        const b = guardrailPolicies(withApprovedSubnets(second));
        expect(b.scp).not.toEqual(a.scp);
        expect(b.iamPolicy).not.toEqual(a.iamPolicy);
      }),
    );
  });

  it('approves only subnets that pass both SubnetIds and VpcIds when the VPC subnets are listed', () => {
    const { scp } = guardrailPolicies({
      rule: toRuleParameters({
        SubnetIds: 'subnet-0aa11bb22cc33dd44,subnet-0bb22cc33dd44ee55',
        VpcIds: 'vpc-0a1b2c3d4e5f60718',
      }),
      approvedVpcSubnetIds: subnetsOfVpcs(['vpc-0a1b2c3d4e5f60718']),
    });
    expect(conditionValues(scp, SIDS.unapprovedSubnet)).toEqual([['subnet-0aa11bb22cc33dd44']]);
  });

  it('approves the listed subnets of the approved VPCs when SubnetIds is not set', () => {
    const { scp } = guardrailPolicies({
      ...EXAMPLE_SETTINGS,
      approvedVpcSubnetIds: subnetsOfVpcs(EXAMPLE_RULE.vpcIds ?? []),
    });
    expect(conditionValues(scp, SIDS.unapprovedSubnet)).toEqual([
      [
        'subnet-0aa11bb22cc33dd44',
        'subnet-0aa11bb22cc33dd55',
        'subnet-0aa11bb22cc33dd66',
        'subnet-0aa11bb22cc33dd77',
        'subnet-0aa11bb22cc33dd88',
      ],
    ]);
  });

  it('has no subnet list without SubnetIds or VPC subnets: only "has a subnet" is enforced', () => {
    const sids = guardrailPolicies(EXAMPLE_SETTINGS).scp.Statement.map((statement) => statement.Sid);
    expect(sids).toContain(SIDS.withoutSubnet);
    expect(sids).not.toContain(SIDS.unapprovedSubnet);
  });

  it('drops the direct internet access statements when the rule does not require it disabled', () => {
    const sids = (rule: Record<string, string>) =>
      guardrailPolicies({ rule: toRuleParameters(rule) }).scp.Statement.map((statement) => statement.Sid);
    expect(sids({})).toEqual([
      SIDS.withoutSubnet,
      SIDS.directInternetAccessByDefault,
      SIDS.directInternetAccessEnabled,
    ]);
    expect(sids({ RequireDirectInternetAccessDisabled: 'false' })).toEqual([SIDS.withoutSubnet]);
  });

  it("adds the security group statements only with an approved list, always including the runbook's groups", () => {
    const { scp } = guardrailPolicies({
      ...EXAMPLE_SETTINGS,
      approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9'],
    });
    expect(conditionValues(scp, SIDS.withoutSecurityGroup)).toEqual(['sg-*']);
    expect(conditionValues(scp, SIDS.unapprovedSecurityGroup)).toEqual([
      ['sg-0d1e2f3a4b5c6d7e8', 'sg-0d1e2f3a4b5c6d7f9'],
    ]);
  });
});

describe('settings that cannot be expressed', () => {
  const cases: [string, GuardrailSettings, string][] = [
    [
      'a runbook target outside the approved subnets',
      { ...withApprovedSubnets(['subnet-0aa11bb22cc33dd55']), remediationTarget: EXAMPLE_TARGET },
      'remediationTarget.subnetId',
    ],
    [
      'a runbook target outside the approved VPC subnets',
      {
        ...EXAMPLE_SETTINGS,
        approvedVpcSubnetIds: ['subnet-0aa11bb22cc33dd55'],
      },
      'remediationTarget.subnetId',
    ],
    [
      'a runbook target with direct internet access while the rule requires it disabled',
      { ...EXAMPLE_SETTINGS, remediationTarget: { ...EXAMPLE_TARGET, directInternetAccess: 'Enabled' } },
      'remediationTarget.directInternetAccess',
    ],
    [
      'a malformed runbook subnet',
      { ...EXAMPLE_SETTINGS, remediationTarget: { ...EXAMPLE_TARGET, subnetId: 'subnet-xyz' } },
      'remediationTarget.subnetId',
    ],
    [
      'six runbook security groups',
      {
        ...EXAMPLE_SETTINGS,
        remediationTarget: {
          ...EXAMPLE_TARGET,
          securityGroupIds: [1, 2, 3, 4, 5, 6].map((n) => `sg-0d1e2f3a4b5c6d7e${n}`),
        },
      },
      'remediationTarget.securityGroupIds',
    ],
    [
      'VPC subnets for a rule without VpcIds',
      { rule: toRuleParameters({}), approvedVpcSubnetIds: ['subnet-0aa11bb22cc33dd44'] },
      'approvedVpcSubnetIds',
    ],
    [
      'no subnet approved by both SubnetIds and the VPC subnets',
      {
        rule: toRuleParameters({ SubnetIds: 'subnet-0bb22cc33dd44ee55', VpcIds: 'vpc-0a1b2c3d4e5f60718' }),
        approvedVpcSubnetIds: ['subnet-0aa11bb22cc33dd44'],
      },
      'approvedVpcSubnetIds',
    ],
    [
      'an empty security group list',
      { ...EXAMPLE_SETTINGS, approvedSecurityGroupIds: [] },
      'approvedSecurityGroupIds',
    ],
    [
      'a malformed security group',
      { ...EXAMPLE_SETTINGS, approvedSecurityGroupIds: ['sg-12'] },
      'approvedSecurityGroupIds',
    ],
    [
      'exemption admins for a rule without ExemptionTagKey',
      {
        rule: toRuleParameters({}),
        exemptionAdminPrincipals: ['arn:aws:iam::111122223333:role/SecurityAdmin'],
      },
      'exemptionAdminPrincipals',
    ],
    [
      'an exemption admin that is every role',
      { ...EXAMPLE_SETTINGS, exemptionAdminPrincipals: ['arn:aws:iam::*:role/*'] },
      'exemptionAdminPrincipals',
    ],
    [
      'an exemption admin given as a name, not an ARN',
      { ...EXAMPLE_SETTINGS, exemptionAdminPrincipals: ['SecurityAdmin'] },
      'exemptionAdminPrincipals',
    ],
    [
      'no exemption admin listed',
      { ...EXAMPLE_SETTINGS, exemptionAdminPrincipals: [] },
      'exemptionAdminPrincipals',
    ],
  ];

  it.each(cases)('refuses %s, naming the setting', (_name, settings, setting) => {
    expect(() => guardrailPolicies(settings)).toThrow(GuardrailSettingsError);
    expect(() => guardrailPolicies(settings)).toThrow(`Invalid guardrail setting ${setting}:`);
  });

  it('accepts a runbook target with direct internet access when the rule allows it', () => {
    const settings: GuardrailSettings = {
      rule: toRuleParameters({ RequireDirectInternetAccessDisabled: 'false' }),
      remediationTarget: { ...EXAMPLE_TARGET, directInternetAccess: 'Enabled' },
    };
    expect(() => guardrailPolicies(settings)).not.toThrow();
  });

  it('refuses more approved subnets than the SCP can hold, and accepts the most it can', () => {
    const subnets = (count: number) =>
      Array.from({ length: count }, (_, n) => `subnet-${n.toString(16).padStart(17, '0')}`);
    const fits = (count: number) => {
      try {
        return guardrailPolicies(withApprovedSubnets(subnets(count)));
      } catch (error) {
        if (error instanceof GuardrailTooLargeError) return undefined;
        throw error;
      }
    };
    const most = subnets(200).findLastIndex((_, index) => fits(index + 1) !== undefined) + 1;
    // About 35 characters an id as written (indented): enough for any realistic list of approved subnets.
    expect(most).toBeGreaterThanOrEqual(90);
    expect(() => guardrailPolicies(withApprovedSubnets(subnets(most + 1)))).toThrow(
      /service control policy would be \d+ characters, over AWS's limit of 5120: \d+ approved subnets/,
    );
    const largest = fits(most);
    expect(largest && managedPolicyCharacters(largest.iamPolicy)).toBeLessThanOrEqual(
      MANAGED_POLICY_MAX_CHARACTERS,
    );
  });
});
