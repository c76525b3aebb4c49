/**
 * AWS Config's evaluation results (awsJson1_1, `StarlingDoveService.<Op>`): PutEvaluations, validated like
 * the real service, and GetComplianceDetailsByConfigRule, which serves what was stored.
 */
import {
  InputViolations,
  memberPath,
  readBoolean,
  readInteger,
  readObjectList,
  readString,
  readStringList,
  readTimestamp,
} from './json-input.js';
import type { JsonOperation } from './operation.js';
import { byKey, paginate } from './pagination.js';
import { ServiceError } from './service-error.js';
import type { StoredEvaluation } from './state.js';
import type { JsonObject } from './wire.js';

const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];
const MAX_EVALUATIONS_PER_CALL = 100;
const DEFAULT_RESULTS_PAGE = 10;
/** The token Config's console and the rdk use for test invocations; only valid with TestMode. */
const TEST_MODE_TOKEN = 'TESTMODE';

interface ValidEvaluation {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
  readonly orderingTimestamp: number;
  readonly asSent: JsonObject;
}

const putEvaluations: JsonOperation = (input, state) => {
  const violations = new InputViolations();
  const resultToken = readString(input, 'ResultToken');
  violations.required('resultToken', resultToken);
  const evaluations = readObjectList(input, 'Evaluations');
  violations.length('evaluations', evaluations, 0, MAX_EVALUATIONS_PER_CALL);
  const testMode = readBoolean(input, 'TestMode') ?? false;
  const valid = (evaluations ?? []).map((evaluation, index) =>
    readEvaluation(evaluation, `evaluations.${index + 1}.member`, violations),
  );
  violations.throwIfAny();
  if (valid.length === 0) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'The Evaluations object in your request cannot be null. Add the required parameters and try again.',
    );
  }
  const insufficient = valid.find((evaluation) => evaluation.complianceType === 'INSUFFICIENT_DATA');
  if (insufficient) {
    throw new ServiceError(
      'InvalidParameterValueException',
      `The ComplianceType INSUFFICIENT_DATA of resource ${insufficient.resourceId} is not supported for PutEvaluations.`,
    );
  }
  if (resultToken === '' || (!testMode && resultToken === TEST_MODE_TOKEN)) {
    throw new ServiceError('InvalidResultTokenException', 'The resultToken provided is invalid');
  }

  const recordedAt = state.now().getTime() / 1000;
  const failed: JsonObject[] = [];
  for (const evaluation of valid) {
    const { asSent, ...submitted } = evaluation;
    if (state.takeEvaluationFailure(evaluation.resourceId)) {
      failed.push(asSent);
      state.submissions.push({ ...submitted, outcome: 'failed' });
    } else if (testMode) {
      state.submissions.push({ ...submitted, outcome: 'test-mode' });
    } else {
      state.submissions.push({ ...submitted, outcome: 'stored' });
      state.storeEvaluation({
        configRuleName: state.configRuleName,
        resourceType: evaluation.resourceType,
        resourceId: evaluation.resourceId,
        complianceType: evaluation.complianceType as StoredEvaluation['complianceType'],
        ...(evaluation.annotation !== undefined && { annotation: evaluation.annotation }),
        orderingTimestamp: evaluation.orderingTimestamp,
        resultRecordedTime: recordedAt,
      });
    }
  }
  return { FailedEvaluations: failed };
};

/** Lengths count UTF-16 code units: at least as strict as the service for any annotation. */
function readEvaluation(evaluation: JsonObject, path: string, violations: InputViolations): ValidEvaluation {
  const field = (member: string) => `${path}.${memberPath(member)}`;
  const resourceType = readString(evaluation, 'ComplianceResourceType');
  if (violations.required(field('ComplianceResourceType'), resourceType)) {
    violations.length(field('ComplianceResourceType'), resourceType, 1, 256);
  }
  const resourceId = readString(evaluation, 'ComplianceResourceId');
  if (violations.required(field('ComplianceResourceId'), resourceId)) {
    violations.length(field('ComplianceResourceId'), resourceId, 1, 768);
  }
  const complianceType = readString(evaluation, 'ComplianceType');
  if (violations.required(field('ComplianceType'), complianceType)) {
    violations.oneOf(field('ComplianceType'), complianceType, COMPLIANCE_TYPES);
  }
  const annotation = readString(evaluation, 'Annotation');
  violations.length(field('Annotation'), annotation, 1, 256);
  const orderingTimestamp = readTimestamp(evaluation, 'OrderingTimestamp');
  violations.required(field('OrderingTimestamp'), orderingTimestamp);
  return {
    resourceType: resourceType ?? '',
    resourceId: resourceId ?? '',
    complianceType: complianceType ?? '',
    ...(annotation !== undefined && { annotation }),
    orderingTimestamp: orderingTimestamp ?? 0,
    asSent: evaluation,
  };
}

const getComplianceDetailsByConfigRule: JsonOperation = (input, state) => {
  const violations = new InputViolations();
  const ruleName = readString(input, 'ConfigRuleName');
  if (violations.required('configRuleName', ruleName)) violations.length('configRuleName', ruleName, 1, 64);
  const complianceTypes = readStringList(input, 'ComplianceTypes');
  violations.length('complianceTypes', complianceTypes, 0, 3);
  for (const type of complianceTypes ?? [])
    violations.oneOf('complianceTypes.member', type, COMPLIANCE_TYPES);
  const limit = readInteger(input, 'Limit');
  violations.range('limit', limit, 0, 100);
  const nextToken = readString(input, 'NextToken');
  violations.throwIfAny();
  if (complianceTypes?.includes('INSUFFICIENT_DATA')) {
    throw new ServiceError(
      'InvalidParameterValueException',
      'INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results.',
    );
  }
  if (ruleName === undefined || !state.knowsRule(ruleName)) {
    throw new ServiceError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${ruleName}' provided in the request is invalid. Please check the configRule name.`,
    );
  }
  const keyOf = (stored: StoredEvaluation) => `${stored.resourceType}\u0000${stored.resourceId}`;
  const results = state
    .storedEvaluations(ruleName)
    .filter((stored) => !complianceTypes?.length || complianceTypes.includes(stored.complianceType))
    .sort(byKey(keyOf));
  const page = paginate(
    results,
    keyOf,
    {
      scope: `GetComplianceDetailsByConfigRule ${ruleName} ${JSON.stringify(complianceTypes ?? [])}`,
      token: nextToken,
      limit: limit || DEFAULT_RESULTS_PAGE,
    },
    () => new ServiceError('InvalidNextTokenException', 'The nextToken provided is invalid'),
  );
  return {
    EvaluationResults: page.items.map(toEvaluationResult),
    ...(page.nextToken !== undefined && { NextToken: page.nextToken }),
  };
};

function toEvaluationResult(stored: StoredEvaluation): JsonObject {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: stored.configRuleName,
        ResourceType: stored.resourceType,
        ResourceId: stored.resourceId,
        EvaluationMode: 'DETECTIVE',
      },
      OrderingTimestamp: stored.orderingTimestamp,
    },
    ComplianceType: stored.complianceType,
    ResultRecordedTime: stored.resultRecordedTime,
    ConfigRuleInvokedTime: stored.resultRecordedTime,
    Annotation: stored.annotation,
  };
}

export const CONFIG_EVALUATION_OPERATIONS: Readonly<Record<string, JsonOperation>> = {
  PutEvaluations: putEvaluations,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
};
