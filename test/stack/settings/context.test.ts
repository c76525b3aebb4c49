/**
 * CDK context → props: `-c key=value` gives strings, cdk.json gives JSON types; both must mean the same.
 */
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { InvalidSettingError, propsFromContext, resolveSettings } from '../../../stack/settings/index';
import { KMS_KEY, ORGANIZATION_ID, ROOT_OU, SECURITY_GROUPS, SUBNET } from '../support';

const fromContext = (context: Record<string, unknown>) => propsFromContext(new App({ context }).node);

describe('context', () => {
  it('reads nothing from an empty context', () => {
    expect(resolveSettings(fromContext({}))).toEqual(resolveSettings());
  });

  it('command-line strings and cdk.json values give the same settings', () => {
    const strings = fromContext({
      remediationSubnetId: SUBNET,
      remediationSecurityGroupIds: SECURITY_GROUPS.join(', '),
      automaticRemediation: 'TRUE',
      automaticRemediationMaxAttempts: '4',
      backupRetentionDays: '30',
      backupKmsKeyArn: KMS_KEY,
      ruleParameters: JSON.stringify({
        SubnetIds: SUBNET,
        ForbidOpenIngress: 'true',
        ExemptionTagKey: 'exempt',
      }),
      allowedNotebookRoles: '["NotebookRole", "team/Notebook*"]',
      deployment: 'conformance-pack',
      securityHubAction: 'false',
      exemptionAdminPrincipals: 'arn:aws:iam::*:role/SecurityAdmin,arn:aws:iam::111122223333:role/Platform',
      securityHubFindings: 'off',
    });
    const json = fromContext({
      remediationSubnetId: SUBNET,
      remediationSecurityGroupIds: SECURITY_GROUPS,
      automaticRemediation: true,
      automaticRemediationMaxAttempts: 4,
      backupRetentionDays: 30,
      backupKmsKeyArn: KMS_KEY,
      ruleParameters: { SubnetIds: SUBNET, ForbidOpenIngress: true, ExemptionTagKey: 'exempt' },
      allowedNotebookRoles: ['NotebookRole', 'team/Notebook*'],
      deployment: 'conformance-pack',
      securityHubAction: false,
      exemptionAdminPrincipals: [
        'arn:aws:iam::*:role/SecurityAdmin',
        'arn:aws:iam::111122223333:role/Platform',
      ],
      securityHubFindings: 'off',
    });
    expect(strings).toEqual(json);
    const settings = resolveSettings(strings);
    expect(settings.remediationTarget?.securityGroupIds).toEqual(SECURITY_GROUPS);
    expect(settings.automaticRemediation?.maximumAttempts).toBe(4);
    expect(settings.ruleParameters.subnetIds).toEqual([SUBNET]);
    expect(settings.ruleParameters.forbidOpenIngress).toBe(true);
    expect(settings.allowedNotebookRoles).toEqual(['NotebookRole', 'team/Notebook*']);
    expect(settings.securityHubAction).toBe(false);
    expect(settings.guardrails.settings.exemptionAdminPrincipals).toEqual([
      'arn:aws:iam::*:role/SecurityAdmin',
      'arn:aws:iam::111122223333:role/Platform',
    ]);
    expect(settings.securityHubFindings).toBe('off');
  });

  it('reads the organization object or its JSON text', () => {
    const organization = {
      organizationId: ORGANIZATION_ID,
      targetOrganizationalUnitIds: ROOT_OU,
      callAs: 'SELF',
    };
    const fromText = fromContext({ deployment: 'organization', organization: JSON.stringify(organization) });
    expect(fromText).toEqual(fromContext({ deployment: 'organization', organization }));
    expect(resolveSettings(fromText).organization).toMatchObject({
      targetOrganizationalUnitIds: [ROOT_OU],
      callAs: 'SELF',
    });
  });

  it.each([
    ['automaticRemediation', 'yes', 'true or false'],
    ['backupRetentionDays', 'ninety', 'number'],
    ['remediationSecurityGroupIds', { first: 'sg-1' }, 'comma-separated'],
    ['remediationSubnetId', 42, 'string'],
    ['ruleParameters', '{SubnetIds:', 'not valid JSON'],
    ['ruleParameters', { SubnetId: SUBNET }, 'unknown parameter'],
    ['organization', '[1]', 'object'],
    ['organization.regions', { organizationId: ORGANIZATION_ID, regions: 'us-east-1' }, 'unknown setting'],
  ])('names %s when its value cannot be read (%j)', (key, value, fragment) => {
    const [root = key] = key.split('.');
    const context = { [root]: value };
    let error: unknown;
    try {
      fromContext(context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect((error as InvalidSettingError).setting).toBe(key);
    expect((error as Error).message).toContain(fragment);
  });
});
