/**
 * Delivering evaluations to Config: batches of at most 100, TestMode for the `TESTMODE` token, and
 * FailedEvaluations retried a few times before the invocation fails loudly (batches.ts). A pipeline sends each
 * batch as it is ready; every batch is attempted even when an earlier one failed, so one bad batch does not
 * withhold the others' results, and `finish` fails loudly naming every evaluation Config did not accept.
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
import { deliverBatch, type Sleep, undeliveredMessage } from './batches';

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

/** One invocation's evaluations for one result token, delivered batch by batch. */
export class ConfigReport {
  private readonly undelivered: ResourceEvaluation[] = [];
  private readonly causes: unknown[] = [];

  constructor(
    private readonly config: ConfigServiceClient,
    private readonly resultToken: string,
    private readonly options: ReportOptions = {},
  ) {}

  /** Delivers one batch of at most 100; returns the evaluations Config accepted. */
  async send(batch: readonly ResourceEvaluation[]): Promise<ResourceEvaluation[]> {
    if (batch.length > MAX_EVALUATIONS_PER_CALL) {
      throw new RangeError(`at most ${MAX_EVALUATIONS_PER_CALL} evaluations per call, got ${batch.length}`);
    }
    if (batch.length === 0) return [];
    const outcome = await deliverBatch(
      batch,
      (pending) => putBatch(this.config, this.resultToken, pending),
      this.options.sleep,
    );
    this.undelivered.push(...outcome.undelivered);
    if (outcome.thrown !== undefined) this.causes.push(outcome.thrown);
    const refused = new Set(outcome.undelivered);
    return batch.filter((evaluation) => !refused.has(evaluation));
  }

  /** Throws EvaluationDeliveryError when Config did not accept every evaluation sent. */
  finish(): void {
    if (this.undelivered.length > 0) throw new EvaluationDeliveryError(this.undelivered, this.causes);
  }
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
