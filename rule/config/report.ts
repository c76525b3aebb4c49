/**
 * Delivering evaluations to Config: batches of at most 100, TestMode for the `TESTMODE` token, and
 * FailedEvaluations retried a few times before the invocation fails loudly (batches.ts). Every batch is
 * attempted even when an earlier one failed, so one bad batch does not withhold the others' results.
 */
import {
  type ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { MAX_ANNOTATION_LENGTH } from '../annotation';
import type { ComplianceType, Verdict } from '../evaluate';
import type { NotebookIdentity } from '../notebook';
import { truncate } from '../text';
import { batchesOf, deliverBatch, type Sleep, undeliveredMessage } from './batches';

export const MAX_EVALUATIONS_PER_CALL = 100;
export { MAX_ANNOTATION_LENGTH };
export const TEST_MODE_RESULT_TOKEN = 'TESTMODE';

/** One result for one resource, ready for Config (and Security Hub). */
export interface ResourceEvaluation extends Verdict {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly orderingTimestamp: Date;
  /**
   * The notebook: as evaluated (a Notebook), or as far as the source names it (deleted, left the scope).
   * Absent for a resource that is not a notebook and for a vanished one known only by its resource id. For
   * people (logs, the CLI) and Security Hub findings; Config only sees the resource id.
   */
  readonly notebook?: NotebookIdentity;
}

export class EvaluationDeliveryError extends Error {
  override readonly name = 'EvaluationDeliveryError';
  constructor(
    readonly undelivered: readonly ResourceEvaluation[],
    readonly causes: readonly unknown[],
  ) {
    const ids = undelivered.map((evaluation) => evaluation.resourceId);
    super(undeliveredMessage('Config', 'evaluation(s)', ids, causes, 'FailedEvaluations'), {
      cause: causes[0],
    });
  }
}

export interface ReportOptions {
  readonly sleep?: Sleep;
}

export async function putEvaluations(
  config: ConfigServiceClient,
  resultToken: string,
  evaluations: readonly ResourceEvaluation[],
  options: ReportOptions = {},
): Promise<void> {
  const undelivered: ResourceEvaluation[] = [];
  const causes: unknown[] = [];
  for (const batch of batchesOf(evaluations, MAX_EVALUATIONS_PER_CALL)) {
    const outcome = await deliverBatch(
      batch,
      (pending) => putBatch(config, resultToken, pending),
      options.sleep,
    );
    undelivered.push(...outcome.undelivered);
    if (outcome.thrown !== undefined) causes.push(outcome.thrown);
  }
  if (undelivered.length > 0) throw new EvaluationDeliveryError(undelivered, causes);
}

/** Sends one batch and returns the evaluations Config reported as failed. */
async function putBatch(
  config: ConfigServiceClient,
  resultToken: string,
  batch: readonly ResourceEvaluation[],
): Promise<ResourceEvaluation[]> {
  const { FailedEvaluations = [] } = await config.send(
    new PutEvaluationsCommand({
      ResultToken: resultToken,
      Evaluations: batch.map(toConfigEvaluation),
      ...(resultToken === TEST_MODE_RESULT_TOKEN && { TestMode: true }),
    }),
  );
  const failed = new Set(
    FailedEvaluations.map((failure) => `${failure.ComplianceResourceType}/${failure.ComplianceResourceId}`),
  );
  return batch.filter((evaluation) => failed.has(`${evaluation.resourceType}/${evaluation.resourceId}`));
}

function toConfigEvaluation(evaluation: ResourceEvaluation): Evaluation {
  return {
    ComplianceResourceType: evaluation.resourceType,
    ComplianceResourceId: evaluation.resourceId,
    ComplianceType: evaluation.compliance satisfies ComplianceType,
    OrderingTimestamp: evaluation.orderingTimestamp,
    // Config rejects an empty annotation and one over 256 characters: omit the first, cut the second visibly.
    ...(evaluation.annotation && { Annotation: truncate(evaluation.annotation, MAX_ANNOTATION_LENGTH) }),
  };
}
