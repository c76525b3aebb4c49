/**
 * The rule's parameters: Config's `ruleParameters` (a JSON string of name → value) → a validated
 * RuleParameters. Anything we do not understand throws, naming the parameter: a typo must never
 * silently weaken the rule.
 */
import { parseIacOwnershipMarkers } from './ownership';
import { describeValue } from './text';

export interface RuleParameters {
  /** Approved subnets; undefined = any subnet of a customer VPC. */
  readonly subnetIds?: readonly string[];
  /** Approved VPCs; undefined = any VPC. */
  readonly vpcIds?: readonly string[];
  readonly requireDirectInternetAccessDisabled: boolean;
  readonly requirePrivateSubnet: boolean;
  readonly forbidOpenIngress: boolean;
  /** Notebooks carrying this tag key are NOT_APPLICABLE (exempt). */
  readonly exemptionTagKey?: string;
  /** Tag markers of a notebook its code owns (ownership.ts); undefined = DEFAULT_IAC_OWNERSHIP_TAG_KEYS. */
  readonly iacOwnershipTagKeys?: readonly string[];
}

/** The parameter names as Config passes them (case-sensitive): the contract with deployments. */
export const PARAMETER_NAMES = [
  'SubnetIds',
  'VpcIds',
  'RequireDirectInternetAccessDisabled',
  'RequirePrivateSubnet',
  'ForbidOpenIngress',
  'ExemptionTagKey',
  'IacOwnershipTagKeys',
] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

export const DEFAULT_PARAMETERS: RuleParameters = {
  requireDirectInternetAccessDisabled: true,
  requirePrivateSubnet: true,
  forbidOpenIngress: false,
};

export const SUBNET_ID_PATTERN = /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
export const VPC_ID_PATTERN = /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
export const SECURITY_GROUP_ID_PATTERN = /^sg-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const MAX_TAG_KEY_LENGTH = 128;

export class InvalidParameterError extends Error {
  override readonly name = 'InvalidParameterError';
  constructor(
    readonly parameter: string,
    detail: string,
  ) {
    super(`Invalid rule parameter ${parameter}: ${detail}`);
  }
}

/** Parses Config's `ruleParameters` string (absent, empty or "{}" = all defaults). */
export function parseRuleParameters(ruleParameters: string | undefined): RuleParameters {
  if (ruleParameters === undefined || ruleParameters.trim() === '') return DEFAULT_PARAMETERS;
  let raw: unknown;
  try {
    raw = JSON.parse(ruleParameters);
  } catch {
    throw new InvalidParameterError('ruleParameters', 'is not valid JSON');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidParameterError('ruleParameters', 'must be a JSON object of parameter names to values');
  }
  return toRuleParameters(raw as Record<string, unknown>);
}

/** Validates name → value pairs (values as Config passes them: strings, or booleans from some tools). */
export function toRuleParameters(values: Readonly<Record<string, unknown>>): RuleParameters {
  for (const name of Object.keys(values)) {
    if (!(PARAMETER_NAMES as readonly string[]).includes(name)) {
      throw new InvalidParameterError(
        name,
        `unknown parameter (names are case-sensitive; expected one of ${PARAMETER_NAMES.join(', ')})`,
      );
    }
  }
  const subnetIds = parseIdList('SubnetIds', values.SubnetIds, SUBNET_ID_PATTERN);
  const vpcIds = parseIdList('VpcIds', values.VpcIds, VPC_ID_PATTERN);
  const exemptionTagKey = parseTagKey('ExemptionTagKey', values.ExemptionTagKey);
  const iacOwnershipTagKeys = parseMarkers('IacOwnershipTagKeys', values.IacOwnershipTagKeys);
  return {
    ...(subnetIds && { subnetIds }),
    ...(vpcIds && { vpcIds }),
    requireDirectInternetAccessDisabled: parseBoolean(
      'RequireDirectInternetAccessDisabled',
      values.RequireDirectInternetAccessDisabled,
      DEFAULT_PARAMETERS.requireDirectInternetAccessDisabled,
    ),
    requirePrivateSubnet: parseBoolean(
      'RequirePrivateSubnet',
      values.RequirePrivateSubnet,
      DEFAULT_PARAMETERS.requirePrivateSubnet,
    ),
    forbidOpenIngress: parseBoolean(
      'ForbidOpenIngress',
      values.ForbidOpenIngress,
      DEFAULT_PARAMETERS.forbidOpenIngress,
    ),
    ...(exemptionTagKey && { exemptionTagKey }),
    ...(iacOwnershipTagKeys && { iacOwnershipTagKeys }),
  };
}

/** The inverse of toRuleParameters: Config's InputParameters for these settings (defaults omitted). */
export function toInputParameters(parameters: RuleParameters): Partial<Record<ParameterName, string>> {
  return {
    ...(parameters.subnetIds && { SubnetIds: parameters.subnetIds.join(',') }),
    ...(parameters.vpcIds && { VpcIds: parameters.vpcIds.join(',') }),
    RequireDirectInternetAccessDisabled: String(parameters.requireDirectInternetAccessDisabled),
    RequirePrivateSubnet: String(parameters.requirePrivateSubnet),
    ForbidOpenIngress: String(parameters.forbidOpenIngress),
    ...(parameters.exemptionTagKey && { ExemptionTagKey: parameters.exemptionTagKey }),
    ...(parameters.iacOwnershipTagKeys && { IacOwnershipTagKeys: parameters.iacOwnershipTagKeys.join(',') }),
  };
}

/** An empty value means "not set": conformance packs pass "" for optional parameters left blank. */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function parseBoolean(name: ParameterName, value: unknown, fallback: boolean): boolean {
  if (isUnset(value)) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const normalized = value.trim().toLowerCase();
    if (normalized === 'true') return true;
    if (normalized === 'false') return false;
  }
  throw new InvalidParameterError(name, `must be true or false, got ${describeValue(value)}`);
}

function parseIdList(name: ParameterName, value: unknown, pattern: RegExp): string[] | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidParameterError(name, `must be a comma-separated string, got ${describeValue(value)}`);
  }
  const ids = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const malformed = ids.filter((id) => !pattern.test(id));
  if (malformed.length > 0) {
    throw new InvalidParameterError(
      name,
      `malformed id(s) ${malformed.map(describeValue).join(', ')} (expected ${pattern.source})`,
    );
  }
  return ids.length > 0 ? [...new Set(ids)] : undefined;
}

function parseTagKey(name: ParameterName, value: unknown): string | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidParameterError(name, `must be a string, got ${describeValue(value)}`);
  }
  const key = value.trim();
  if (key.length > MAX_TAG_KEY_LENGTH) {
    throw new InvalidParameterError(name, `must be at most ${MAX_TAG_KEY_LENGTH} characters`);
  }
  return key;
}

/** A CSV of ownership markers (ownership.ts); unset = the default markers. */
function parseMarkers(name: ParameterName, value: unknown): string[] | undefined {
  if (isUnset(value)) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidParameterError(name, `must be a comma-separated string, got ${describeValue(value)}`);
  }
  try {
    const markers = parseIacOwnershipMarkers(value.split(','));
    return markers.length > 0 ? markers : undefined;
  } catch (error) {
    throw new InvalidParameterError(name, (error as Error).message);
  }
}
