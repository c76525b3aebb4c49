/**
 * Security Hub (restJson1, `POST /findings/import`): BatchImportFindings, checked the way the service checks a
 * customer's own findings — at most 100 a call; each finding in the ASFF shape with its required fields, for the
 * calling account under its default product; a finding that fails a check is returned in FailedFindings
 * (InvalidInput) and the others are imported. An update is applied only when its UpdatedAt is later than the
 * stored one (AWS's documented rule); a disabled Security Hub refuses as the state says.
 */
import { readObjectList } from './json-input.js';
import type { JsonOperation } from './operation.js';
import { ServiceError } from './service-error.js';
import type { FakeAwsState } from './state.js';
import { isJsonObject, type JsonObject } from './wire.js';

const MAX_FINDINGS_PER_CALL = 100;
const REQUIRED_STRINGS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
] as const;
const LENGTH_LIMITS: Readonly<Record<string, number>> = {
  Id: 512,
  GeneratorId: 512,
  Title: 256,
  Description: 1024,
};
const TIMESTAMPS = ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt'] as const;
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const COMPLIANCE_STATUSES = ['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE'];
const RECORD_STATES = ['ACTIVE', 'ARCHIVED'];
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b'];
/** ASFF timestamps: RFC 3339 with a zone (Z or ±hh[:mm]), up to 9 fractional digits. */
const ASFF_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}(?::?\d{2})?)$/;

const batchImportFindings: JsonOperation = (input, state) => {
  const findings = readObjectList(input, 'Findings');
  if (findings === undefined || findings.length === 0 || findings.length > MAX_FINDINGS_PER_CALL) {
    throw new ServiceError(
      'InvalidInputException',
      `Findings must list 1 to ${MAX_FINDINGS_PER_CALL} findings, got ${findings?.length ?? 'none'}`,
    );
  }
  const hub = state.securityHub;
  if (!hub.enabled && hub.disabledAnswer === 'exception') {
    throw new ServiceError(
      'InvalidAccessException',
      `Account ${state.accountId} is not subscribed to AWS Security Hub`,
      401,
    );
  }
  const failed: JsonObject[] = [];
  for (const finding of findings) {
    const id = typeof finding.Id === 'string' ? finding.Id : '';
    const refusal = hub.enabled
      ? (problemWith(finding, state) ?? (hub.takeFindingFailure(id) ? injected() : undefined))
      : ({
          code: 'InvalidAccess',
          message: `Account ${state.accountId} is not subscribed to AWS Security Hub`,
        } as const);
    if (refusal) {
      failed.push({ Id: id, ErrorCode: refusal.code, ErrorMessage: refusal.message });
      hub.imports.push({ id, outcome: 'failed', errorCode: refusal.code });
      continue;
    }
    hub.imports.push({ id, outcome: hub.store(id, finding, Date.parse(String(finding.UpdatedAt))) });
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed,
  };
};

function injected() {
  return { code: 'InternalFailure', message: 'Internal failure (injected)' } as const;
}

interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The first problem Security Hub would refuse this finding for, or undefined. */
function problemWith(finding: JsonObject, state: FakeAwsState): Refusal | undefined {
  const invalid = (message: string): Refusal => ({ code: 'InvalidInput', message });
  for (const field of REQUIRED_STRINGS) {
    const value = finding[field];
    if (typeof value !== 'string' || value.trim() === '') return invalid(`${field} is required`);
    const limit = LENGTH_LIMITS[field];
    if (limit !== undefined && value.length > limit) return invalid(`${field} is longer than ${limit}`);
  }
  if (finding.SchemaVersion !== '2018-10-08') return invalid('SchemaVersion must be 2018-10-08');
  for (const field of TIMESTAMPS) {
    const value = finding[field];
    if (value !== undefined && (typeof value !== 'string' || !ASFF_TIMESTAMP.test(value)))
      return invalid(`${field} is not an ASFF timestamp`);
  }
  if (finding.AwsAccountId !== state.accountId)
    return invalid(`AwsAccountId ${String(finding.AwsAccountId)} is not the calling account`);
  const defaultProduct = `arn:aws:securityhub:${state.region}:${state.accountId}:product/${state.accountId}/default`;
  if (finding.ProductArn !== defaultProduct) return invalid(`ProductArn must be ${defaultProduct}`);
  const types = finding.Types;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string'))
    return invalid('Types is required');
  const severity = finding.Severity;
  if (!isJsonObject(severity) || !SEVERITY_LABELS.includes(String(severity.Label)))
    return invalid('Severity.Label is required');
  const resources = finding.Resources;
  if (!Array.isArray(resources) || resources.length === 0 || resources.length > 32)
    return invalid('Resources must list 1 to 32 resources');
  for (const resource of resources) {
    if (!isJsonObject(resource) || typeof resource.Type !== 'string' || typeof resource.Id !== 'string')
      return invalid('every resource needs a Type and an Id');
    if (resource.Partition !== undefined && !PARTITIONS.includes(String(resource.Partition)))
      return invalid('Resources[].Partition is not a partition');
  }
  const compliance = finding.Compliance;
  if (
    compliance !== undefined &&
    (!isJsonObject(compliance) || !COMPLIANCE_STATUSES.includes(String(compliance.Status)))
  )
    return invalid('Compliance.Status is not a status');
  if (finding.RecordState !== undefined && !RECORD_STATES.includes(String(finding.RecordState)))
    return invalid('RecordState is not a record state');
  const recommendation = isJsonObject(finding.Remediation) ? finding.Remediation.Recommendation : undefined;
  if (
    isJsonObject(recommendation) &&
    typeof recommendation.Text === 'string' &&
    recommendation.Text.length > 512
  )
    return invalid('Remediation.Recommendation.Text is longer than 512');
  return undefined;
}

export const SECURITY_HUB_OPERATIONS = {
  'POST /findings/import': { operation: 'BatchImportFindings', run: batchImportFindings },
} as const satisfies Readonly<Record<string, { operation: string; run: JsonOperation }>>;
