/**
 * The guardrails (issue 6's generator) wired into the deployment: generated from the same settings as the
 * rule and the runbook, deployed only when asked — the IAM managed policy in a single account, the SCP in
 * organization mode — and refused at synth when the combination makes no sense.
 */
import { describe, expect, it } from 'vitest';
import { guardrailPolicies } from '../../stack/guardrails';
import { InvalidSettingError, type NotebookVpcGuardProps, resolveSettings } from '../../stack/settings/index';
import { MODES, ORGANIZATION_ID, ROOT_OU, resourcesOfType, SUBNET, synthesize, TARGET } from './support';

describe('guardrails', () => {
  it('are not deployed by default', () => {
    for (const props of [MODES.noContext, MODES.singleAccount, MODES.organization]) {
      const { json } = synthesize(props);
      expect(resourcesOfType(json, 'AWS::Organizations::Policy')).toEqual([]);
      const policies = resourcesOfType(json, 'AWS::IAM::ManagedPolicy');
      expect(policies.every(([id]) => !id.includes('Guardrails'))).toBe(true);
    }
  });

  it('single account: the managed policy holds the generated statements and is attached to the named role', () => {
    const settings = resolveSettings(MODES.guardrailsSingleAccount);
    const { json } = synthesize(MODES.guardrailsSingleAccount);
    const [[, policy] = []] = resourcesOfType(json, 'AWS::IAM::ManagedPolicy').filter(([id]) =>
      id.includes('Guardrails'),
    );
    expect(policy?.PolicyDocument).toEqual(guardrailPolicies(settings.guardrails.settings).iamPolicy);
    expect(policy?.Roles).toEqual(['DataScientist']);
    expect(JSON.stringify(policy?.PolicyDocument)).toContain(SUBNET);
  });

  it('organization: the SCP holds the same statements and is attached to the named targets', () => {
    const settings = resolveSettings(MODES.guardrailsOrganization);
    const { json } = synthesize(MODES.guardrailsOrganization);
    const [[, scp] = []] = resourcesOfType(json, 'AWS::Organizations::Policy');
    expect(scp).toMatchObject({ Type: 'SERVICE_CONTROL_POLICY', TargetIds: ['ou-a1b2-c3d4e5f6'] });
    expect(scp?.Content).toEqual(guardrailPolicies(settings.guardrails.settings).scp);
  });

  it("follow the rule's settings and never deny the runbook's own target", () => {
    const { settings } = resolveSettings(MODES.guardrailsSingleAccount).guardrails;
    expect(settings.rule.subnetIds).toEqual([SUBNET]);
    expect(settings.remediationTarget).toEqual(
      resolveSettings(MODES.guardrailsSingleAccount).remediationTarget,
    );
  });

  const organization = {
    deployment: 'organization',
    organization: { organizationId: ORGANIZATION_ID, targetOrganizationalUnitIds: [ROOT_OU] },
  } as const;
  it.each<[string, NotebookVpcGuardProps, string]>([
    [
      'roles without the policy',
      { guardrailManagedPolicyRoles: ['DataScientist'] },
      'guardrailManagedPolicyRoles',
    ],
    [
      'a role path',
      { guardrailManagedPolicy: true, guardrailManagedPolicyRoles: ['team/DataScientist'] },
      'guardrailManagedPolicyRoles',
    ],
    [
      'the managed policy in organization mode',
      { ...organization, guardrailManagedPolicy: true },
      'guardrailManagedPolicy',
    ],
    ['an SCP in a single account', { guardrailScpTargetIds: [ROOT_OU] }, 'guardrailScpTargetIds'],
    ['an SCP attached nowhere', { ...organization, guardrailScpTargetIds: [] }, 'guardrailScpTargetIds'],
    ['a malformed SCP target', { ...organization, guardrailScpTargetIds: ['ou-1'] }, 'guardrailScpTargetIds'],
    [
      "VPC subnets without the rule's VpcIds (the generator's check, under our name)",
      { ...TARGET, guardrailApprovedVpcSubnetIds: [SUBNET] },
      'guardrailApprovedVpcSubnetIds',
    ],
  ])('refuse %s', (_case, props, setting) => {
    expect(() => resolveSettings(props)).toThrow(InvalidSettingError);
    expect(() => resolveSettings(props)).toThrow(`"${setting}"`);
  });
});
