/**
 * Deploy-time settings: defaults, and every combination that would deploy something broken or unsafe is
 * refused at synth with an error naming the setting.
 */
import { describe, expect, it } from 'vitest';
import { BACKUP_PREFIX_DEFAULT } from '../../../remediation';
import { DEFAULT_PARAMETERS, toInputParameters } from '../../../rule/parameters';
import {
  AUTOMATIC_REMEDIATION_DEFAULTS,
  DEFAULT_NOTEBOOK_ROLES,
  DEFAULT_RULE_NAME,
  InvalidSettingError,
  type NotebookVpcGuardProps,
  resolveSettings,
} from '../../../stack/settings/index';
import {
  KMS_KEY,
  MODES,
  ORGANIZATION_ID,
  ROOT_OU,
  SECURITY_GROUPS,
  SUBNET,
  synthesize,
  TARGET,
} from '../support';

describe('defaults', () => {
  it('with no settings: detection with the rule defaults, a created backup bucket, no remediation target', () => {
    const settings = resolveSettings();
    expect(settings).toEqual({
      ruleName: DEFAULT_RULE_NAME,
      ruleParameters: DEFAULT_PARAMETERS,
      schedule: 'TwentyFour_Hours',
      backupBucket: { kind: 'create', retentionDays: 90 },
      backupPrefix: BACKUP_PREFIX_DEFAULT,
      allowedNotebookRoles: DEFAULT_NOTEBOOK_ROLES,
      notebookKmsKeyArns: [],
      deployment: 'config-rule',
      securityHubAction: false,
      securityHubFindings: 'off',
      logRetentionDays: 365,
      guardrails: { settings: { rule: DEFAULT_PARAMETERS } },
      cloudFormationHook: 'off',
    });
  });

  it('a target turns on the Security Hub action, keeps remediation manual and internet access disabled', () => {
    const settings = resolveSettings(TARGET);
    expect(settings.remediationTarget).toEqual({
      subnetId: SUBNET,
      securityGroupIds: SECURITY_GROUPS,
      directInternetAccess: 'Disabled',
    });
    expect(settings.securityHubAction).toBe(true);
    expect(settings.automaticRemediation).toBeUndefined();
  });

  it('automatic remediation takes few attempts in a long window, rate-limited', () => {
    expect(resolveSettings(MODES.automatic).automaticRemediation).toEqual(AUTOMATIC_REMEDIATION_DEFAULTS);
    expect(
      resolveSettings({ ...MODES.automatic, automaticRemediationMaxAttempts: 5 }).automaticRemediation,
    ).toEqual({
      ...AUTOMATIC_REMEDIATION_DEFAULTS,
      maximumAttempts: 5,
    });
  });

  it("rule parameters go through the rule's own parser (ids de-duplicated)", () => {
    const settings = resolveSettings({
      ruleParameters: { subnetIds: [SUBNET, SUBNET], forbidOpenIngress: true },
    });
    expect(settings.ruleParameters).toEqual({
      ...DEFAULT_PARAMETERS,
      subnetIds: [SUBNET],
      forbidOpenIngress: true,
    });
  });

  it("iacOwnershipTagKeys becomes the rule's IacOwnershipTagKeys (and so the check document's); unset, the defaults", () => {
    expect(resolveSettings({}).ruleParameters.iacOwnershipTagKeys).toBeUndefined();
    const settings = resolveSettings({
      iacOwnershipTagKeys: [' iac-repo', 'ManagedBy=terraform', 'iac-repo'],
    });
    expect(settings.ruleParameters.iacOwnershipTagKeys).toEqual(['iac-repo', 'ManagedBy=terraform']);
    expect(toInputParameters(settings.ruleParameters).IacOwnershipTagKeys).toBe(
      'iac-repo,ManagedBy=terraform',
    );
  });

  it('organization mode fills its defaults; with a target it deploys the Security Hub action', () => {
    const settings = resolveSettings(MODES.organization);
    expect(settings.organization).toEqual({
      organizationId: ORGANIZATION_ID,
      targetOrganizationalUnitIds: [ROOT_OU],
      coverage: 'member-conformance-packs',
      memberRoleName: 'SageMakerNotebookVpcGuardMember',
      callAs: 'DELEGATED_ADMIN',
    });
    expect(settings.securityHubAction).toBe(true);
    expect(resolveSettings({ ...MODES.organization, securityHubAction: false }).securityHubAction).toBe(
      false,
    );
    expect(resolveSettings(MODES.organizationPack).securityHubAction).toBe(false);
  });

  it('securityHubFindings auto imports where the Config integration carries nothing (packs, organization)', () => {
    const findings = (props: NotebookVpcGuardProps) => resolveSettings(props).securityHubFindings;
    expect(findings(MODES.noContext)).toBe('off');
    expect(findings(MODES.singleAccount)).toBe('off');
    expect(findings(MODES.conformancePack)).toBe('import');
    expect(findings(MODES.organization)).toBe('import');
    expect(findings(MODES.organizationPack)).toBe('import');
    expect(findings({ securityHubFindings: 'auto' })).toBe('off');
    expect(findings({ securityHubFindings: 'import' })).toBe('import');
    expect(findings({ ...MODES.conformancePack, securityHubFindings: 'off' })).toBe('off');
  });
});

const organization = (overrides: object): NotebookVpcGuardProps => ({
  deployment: 'organization',
  organization: { organizationId: ORGANIZATION_ID, targetOrganizationalUnitIds: [ROOT_OU], ...overrides },
});

/** [case, props, the setting the error must name, a fragment of its explanation]. */
const INVALID: [string, NotebookVpcGuardProps, string, string][] = [
  [
    'malformed rule parameter',
    { ruleParameters: { subnetIds: ['subnet-nope'] } },
    'ruleParameters',
    'SubnetIds',
  ],
  ['rule name with spaces', { ruleName: 'my rule' }, 'ruleName', 'letters, digits and hyphens'],
  ['unknown schedule', { schedule: 'Daily' as never }, 'schedule', 'TwentyFour_Hours'],
  ['subnet without groups', { remediationSubnetId: SUBNET }, 'remediationSecurityGroupIds', 'required'],
  [
    'groups without subnet',
    { remediationSecurityGroupIds: SECURITY_GROUPS },
    'remediationSubnetId',
    'required',
  ],
  ['malformed subnet', { ...TARGET, remediationSubnetId: 'subnet-xyz' }, 'remediationSubnetId', 'subnet id'],
  [
    'malformed group',
    { ...TARGET, remediationSecurityGroupIds: ['sg-1'] },
    'remediationSecurityGroupIds',
    'security group id',
  ],
  ['no groups', { ...TARGET, remediationSecurityGroupIds: [] }, 'remediationSecurityGroupIds', '1 to 5'],
  [
    'six groups',
    { ...TARGET, remediationSecurityGroupIds: ['1', '2', '3', '4', '5', '6'].map((n) => `sg-0000000${n}`) },
    'remediationSecurityGroupIds',
    '1 to 5',
  ],
  [
    'target outside the approved subnets',
    { ...TARGET, ruleParameters: { subnetIds: ['subnet-0ffffffffffffffff'] } },
    'remediationSubnetId',
    'still flag',
  ],
  [
    'internet access the rule forbids',
    { ...TARGET, remediationDirectInternetAccess: 'Enabled' },
    'remediationDirectInternetAccess',
    'requireDirectInternetAccessDisabled',
  ],
  [
    'internet access without a target',
    { remediationDirectInternetAccess: 'Disabled' },
    'remediationDirectInternetAccess',
    'only with',
  ],
  [
    'automatic without a target',
    { automaticRemediation: true },
    'automaticRemediation',
    'remediationSubnetId',
  ],
  [
    'automatic without backups',
    { ...TARGET, automaticRemediation: true, backupBucket: 'none' },
    'automaticRemediation',
    'backup',
  ],
  [
    'tuning without automatic',
    { ...TARGET, automaticRemediationMaxAttempts: 3 },
    'automaticRemediationMaxAttempts',
    'automaticRemediation=true',
  ],
  [
    '26 attempts',
    { ...MODES.automatic, automaticRemediationMaxAttempts: 26 },
    'automaticRemediationMaxAttempts',
    '1 to 25',
  ],
  [
    'zero retry window',
    { ...MODES.automatic, automaticRemediationRetrySeconds: 0 },
    'automaticRemediationRetrySeconds',
    'whole number',
  ],
  [
    '101 percent',
    { ...MODES.automatic, automaticRemediationConcurrencyPercent: 101 },
    'automaticRemediationConcurrencyPercent',
    '1 to 100',
  ],
  ['malformed bucket name', { backupBucket: 'My_Bucket' }, 'backupBucket', 'bucket name'],
  [
    'retention for an existing bucket',
    { backupBucket: 'my-bucket', backupRetentionDays: 30 },
    'backupRetentionDays',
    'create',
  ],
  ['retention of zero days', { backupRetentionDays: 0 }, 'backupRetentionDays', 'whole number'],
  ['prefix with a leading slash', { backupPrefix: '/backups' }, 'backupPrefix', 'prefix'],
  ['no notebook roles', { allowedNotebookRoles: [] }, 'allowedNotebookRoles', 'at least one'],
  ['any role at all', { allowedNotebookRoles: ['*'] }, 'allowedNotebookRoles', 'role name'],
  ['any role of a path', { allowedNotebookRoles: ['service-role/*'] }, 'allowedNotebookRoles', 'role name'],
  ['malformed KMS key', { notebookKmsKeyArns: ['alias/aws/sagemaker'] }, 'notebookKmsKeyArns', 'KMS key ARN'],
  ['malformed backup key', { backupKmsKeyArn: 'alias/backups' }, 'backupKmsKeyArn', 'KMS key ARN'],
  [
    'a backup key without a bucket',
    { backupBucket: 'none', backupKmsKeyArn: KMS_KEY },
    'backupKmsKeyArn',
    'none',
  ],
  [
    'a backup key in organization mode',
    { ...organization({}), backupKmsKeyArn: KMS_KEY },
    'backupKmsKeyArn',
    'organization mode',
  ],
  ['unknown deployment', { deployment: 'stackset' as never }, 'deployment', 'config-rule'],
  ['Security Hub without a target', { securityHubAction: true }, 'securityHubAction', 'remediationSubnetId'],
  ['log retention CloudWatch refuses', { logRetentionDays: 100 }, 'logRetentionDays', '365'],
  ['organization without settings', { deployment: 'organization' }, 'organization', 'required'],
  [
    'organization settings in single account',
    { organization: organization({}).organization as never },
    'organization',
    'deployment=organization',
  ],
  [
    'malformed organization id',
    organization({ organizationId: 'org-1' }),
    'organization.organizationId',
    'o-',
  ],
  [
    'no target OUs',
    organization({ targetOrganizationalUnitIds: [] }),
    'organization.targetOrganizationalUnitIds',
    'at least one',
  ],
  [
    'account id as an OU',
    organization({ targetOrganizationalUnitIds: ['111122223333'] }),
    'organization.targetOrganizationalUnitIds',
    'OU id',
  ],
  [
    'short member account id',
    organization({ memberAccountIds: ['1234'] }),
    'organization.memberAccountIds',
    '12-digit',
  ],
  [
    'unknown coverage',
    organization({ coverage: 'everything' }),
    'organization.coverage',
    'member-conformance-packs',
  ],
  [
    'long member role name',
    organization({ memberRoleName: 'x'.repeat(41) }),
    'organization.memberRoleName',
    '40',
  ],
  [
    'role ARN in organization mode',
    { ...organization({}), allowedNotebookRoles: ['arn:aws:iam::111122223333:role/R'] },
    'allowedNotebookRoles',
    'role names',
  ],
  [
    'existing bucket in organization mode',
    { ...organization({}), backupBucket: 'central-backups' },
    'backupBucket',
    'one account',
  ],
  [
    'Security Hub findings neither auto, import nor off',
    { securityHubFindings: 'on' as NotebookVpcGuardProps['securityHubFindings'] },
    'securityHubFindings',
    'auto, import, off',
  ],
  [
    'remediation with an organization pack',
    { ...organization({ coverage: 'organization-conformance-pack' }), ...TARGET },
    'remediationSubnetId',
    'detection only',
  ],
  [
    'a malformed ownership marker',
    { iacOwnershipTagKeys: ['ManagedBy='] },
    'iacOwnershipTagKeys',
    'malformed marker',
  ],
  [
    'an empty list of ownership markers',
    { iacOwnershipTagKeys: [' '] },
    'iacOwnershipTagKeys',
    'at least one',
  ],
  [
    'ownership markers as a rule parameter (the runbook checks the same ones)',
    { ruleParameters: { iacOwnershipTagKeys: ['iac'] } as never },
    'ruleParameters',
    'iacOwnershipTagKeys setting',
  ],
  [
    'exemption admins without an exemption tag',
    { exemptionAdminPrincipals: ['arn:aws:iam::111122223333:role/SecurityAdmin'] },
    'exemptionAdminPrincipals',
    'no ExemptionTagKey',
  ],
];

describe('invalid settings', () => {
  it.each(INVALID)('%s', (_case, props, setting, fragment) => {
    let error: unknown;
    try {
      resolveSettings(props);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect((error as InvalidSettingError).setting).toBe(setting);
    expect((error as Error).message).toContain(`"${setting}"`);
    expect((error as Error).message).toContain(fragment);
  });

  it('the construct refuses them at synth, before anything is built', () => {
    expect(() => synthesize({ ...TARGET, remediationSubnetId: 'subnet-xyz' })).toThrow(
      /"remediationSubnetId"/,
    );
  });

  it('accepts role ARNs and KMS keys in a single account', () => {
    const settings = resolveSettings({
      allowedNotebookRoles: ['arn:aws:iam::111122223333:role/team/Notebook*'],
      notebookKmsKeyArns: [KMS_KEY],
    });
    expect(settings.allowedNotebookRoles).toEqual(['arn:aws:iam::111122223333:role/team/Notebook*']);
    expect(settings.notebookKmsKeyArns).toEqual([KMS_KEY]);
  });

  it("names the backup bucket's key, for a created bucket or an existing one; none by default", () => {
    expect(resolveSettings({ backupKmsKeyArn: KMS_KEY }).backupKmsKeyArn).toBe(KMS_KEY);
    expect(resolveSettings({ backupBucket: 'my-bucket', backupKmsKeyArn: KMS_KEY }).backupKmsKeyArn).toBe(
      KMS_KEY,
    );
    expect(resolveSettings().backupKmsKeyArn).toBeUndefined();
  });
});
