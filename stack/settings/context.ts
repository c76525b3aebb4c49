/**
 * CDK context → NotebookVpcGuardProps. The keys are the props' names. Values come from `cdk.json` (JSON
 * types) or `-c key=value` (always strings), so lists accept CSV or a JSON array, booleans and numbers
 * accept their string forms, and `ruleParameters` / `organization` accept an object or its JSON text.
 * Only the shape is checked here; resolveSettings checks the values.
 */
import type { Node } from 'constructs';
import { InvalidParameterError, toRuleParameters } from '../../rule/parameters';
import { describeValue } from '../../rule/text';
import { InvalidSettingError } from './checks';
import type { NotebookVpcGuardProps, OrganizationProps, RegionalRemediationTarget } from './props';

type ContextReader = (key: string) => unknown;

export function propsFromContext(node: Pick<Node, 'tryGetContext'>): NotebookVpcGuardProps {
  const read: ContextReader = (key) => node.tryGetContext(key);
  const text = (key: string) => optionalString(key, read(key));
  const list = (key: string) => optionalList(key, read(key));
  const flag = (key: string) => optionalBoolean(key, read(key));
  const count = (key: string) => optionalNumber(key, read(key));
  // Casts to the props' string unions are safe: resolveSettings checks every value against its list.
  return {
    ruleName: text('ruleName'),
    ruleParameters: ruleParameters(read('ruleParameters')),
    iacOwnershipTagKeys: list('iacOwnershipTagKeys'),
    schedule: text('schedule') as NotebookVpcGuardProps['schedule'],
    remediationSubnetId: text('remediationSubnetId'),
    remediationSecurityGroupIds: list('remediationSecurityGroupIds'),
    remediationDirectInternetAccess: text(
      'remediationDirectInternetAccess',
    ) as NotebookVpcGuardProps['remediationDirectInternetAccess'],
    automaticRemediation: flag('automaticRemediation'),
    automaticRemediationMaxAttempts: count('automaticRemediationMaxAttempts'),
    automaticRemediationRetrySeconds: count('automaticRemediationRetrySeconds'),
    automaticRemediationConcurrencyPercent: count('automaticRemediationConcurrencyPercent'),
    automaticRemediationErrorPercent: count('automaticRemediationErrorPercent'),
    backupBucket: text('backupBucket'),
    backupRetentionDays: count('backupRetentionDays'),
    backupKmsKeyArn: text('backupKmsKeyArn'),
    backupPrefix: text('backupPrefix'),
    allowedNotebookRoles: list('allowedNotebookRoles'),
    notebookKmsKeyArns: list('notebookKmsKeyArns'),
    deployment: text('deployment') as NotebookVpcGuardProps['deployment'],
    securityHubAction: flag('securityHubAction'),
    securityHubFindings: text('securityHubFindings') as NotebookVpcGuardProps['securityHubFindings'],
    logRetentionDays: count('logRetentionDays'),
    organization: organization(read('organization')),
    guardrailApprovedVpcSubnetIds: list('guardrailApprovedVpcSubnetIds'),
    guardrailApprovedSecurityGroupIds: list('guardrailApprovedSecurityGroupIds'),
    guardrailManagedPolicy: flag('guardrailManagedPolicy'),
    guardrailManagedPolicyRoles: list('guardrailManagedPolicyRoles'),
    guardrailScpTargetIds: list('guardrailScpTargetIds'),
    cloudFormationHook: text('cloudFormationHook') as NotebookVpcGuardProps['cloudFormationHook'],
    exemptionAdminPrincipals: list('exemptionAdminPrincipals'),
    regions: list('regions'),
    remediationTargets: remediationTargets(read('remediationTargets')),
  };
}

function optionalString(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new InvalidSettingError(key, `must be a string, got ${describeValue(value)}`);
  return value.trim() === '' ? undefined : value.trim();
}

function optionalBoolean(key: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return value ?? undefined;
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (normalized === 'true') return true;
  if (normalized === 'false') return false;
  throw new InvalidSettingError(key, `must be true or false, got ${describeValue(value)}`);
}

function optionalNumber(key: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new InvalidSettingError(key, `must be a number, got ${describeValue(value)}`);
  }
  return number;
}

function optionalList(key: string, value: unknown): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' && value.trim().startsWith('[') ? parseJson(key, value) : value;
  const entries = typeof parsed === 'string' ? parsed.split(',') : parsed;
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string')) {
    throw new InvalidSettingError(
      key,
      `must be a comma-separated string or a list of strings, got ${describeValue(value)}`,
    );
  }
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function optionalObject(key: string, value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = typeof value === 'string' ? parseJson(key, value) : value;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidSettingError(key, `must be an object (or its JSON text), got ${describeValue(value)}`);
  }
  return parsed as Readonly<Record<string, unknown>>;
}

function parseJson(key: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidSettingError(key, `is not valid JSON: ${describeValue(value)}`);
  }
}

/** Context uses the rule's own parameter names (`SubnetIds`, …), parsed by the rule's own parser. */
function ruleParameters(value: unknown): NotebookVpcGuardProps['ruleParameters'] {
  const names = optionalObject('ruleParameters', value);
  if (names === undefined) return undefined;
  try {
    return toRuleParameters(names);
  } catch (error) {
    if (error instanceof InvalidParameterError)
      throw new InvalidSettingError('ruleParameters', error.message);
    throw error;
  }
}

function organization(value: unknown): OrganizationProps | undefined {
  const fields = optionalObject('organization', value);
  if (fields === undefined) return undefined;
  const field = (name: string) => fields[name];
  const key = (name: string) => `organization.${name}`;
  const props: OrganizationProps = {
    organizationId: optionalString(key('organizationId'), field('organizationId')) ?? '',
    targetOrganizationalUnitIds:
      optionalList(key('targetOrganizationalUnitIds'), field('targetOrganizationalUnitIds')) ?? [],
    coverage: optionalString(key('coverage'), field('coverage')) as OrganizationProps['coverage'],
    memberAccountIds: optionalList(key('memberAccountIds'), field('memberAccountIds')),
    memberRoleName: optionalString(key('memberRoleName'), field('memberRoleName')),
    callAs: optionalString(key('callAs'), field('callAs')) as OrganizationProps['callAs'],
  };
  const known = new Set(Object.keys(props));
  const unknown = Object.keys(fields).find((name) => !known.has(name));
  if (unknown)
    throw new InvalidSettingError(key(unknown), `unknown setting (expected one of ${[...known].join(', ')})`);
  return props;
}

/** `{"eu-west-1": {"subnetId": "subnet-…", "securityGroupIds": ["sg-…"]}, …}`, or its JSON text. */
function remediationTargets(value: unknown): NotebookVpcGuardProps['remediationTargets'] {
  const regions = optionalObject('remediationTargets', value);
  if (regions === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(regions).map(([region, target]) => {
      const key = (name: string) => `remediationTargets.${region}${name ? `.${name}` : ''}`;
      const fields = optionalObject(key(''), target) ?? {};
      const props: RegionalRemediationTarget = {
        subnetId: optionalString(key('subnetId'), fields.subnetId) ?? '',
        securityGroupIds: optionalList(key('securityGroupIds'), fields.securityGroupIds) ?? [],
        directInternetAccess: optionalString(
          key('directInternetAccess'),
          fields.directInternetAccess,
        ) as RegionalRemediationTarget['directInternetAccess'],
      };
      const unknown = Object.keys(fields).find((name) => !(name in props));
      if (unknown)
        throw new InvalidSettingError(
          key(unknown),
          'unknown setting (expected subnetId, securityGroupIds, directInternetAccess)',
        );
      return [region, props];
    }),
  );
}
