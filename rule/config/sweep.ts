/**
 * The periodic path, as a pipeline. SageMaker is the source of truth (so notebooks Config missed are caught):
 *
 *   list (page by page) → describe + assess (bounded concurrency) → batches of 100 → deliver (as they are ready)
 *
 * with Config's inventory and this rule's earlier results read alongside (inventory.ts). Each result is filed
 * under the resource id Config itself uses, settled when its batch is delivered; notebooks with an earlier
 * result that no longer exist become NOT_APPLICABLE once the listing is complete. Nothing holds every notebook:
 * at most two listing pages, the notebooks being described or assessed and MAX_BATCHES_WAITING batches of
 * results (new work waits when delivery falls behind). No new notebook is started after the deadline.
 */
import type { NotebookInstanceSummary } from '@aws-sdk/client-sagemaker';
import { assessNotebook } from '../assess';
import type { AccountSession } from '../clients';
import { identityFromSummary, type Notebook } from '../notebook';
import type { RuleParameters } from '../parameters';
import { describeNotebook, notebookSummaries, withTags } from '../sagemaker';
import { describeError } from '../text';
import { BatchQueue } from './batch-queue';
import { CallSlots } from './call-slots';
import { NOTEBOOK_RESOURCE_TYPE } from './event';
import {
  type ConfigResourceIds,
  configResourceIds,
  type InventoryLog,
  priorResourceIds,
  reconcileId,
  vanishedIds,
} from './inventory';
import { MAX_EVALUATIONS_PER_CALL, type ResourceEvaluation } from './report';

export const DEFAULT_SWEEP_CONCURRENCY = 16;
/** Full batches that may wait for delivery (e.g. while Config's inventory is still being read). */
export const MAX_BATCHES_WAITING = 10;
/** Described notebooks that may wait for their EC2 facts (or a slot for their tags), per SageMaker call slot. */
export const ASSESSING_PER_SLOT = 4;

export type SweepLog = InventoryLog;

export interface SweepOptions {
  readonly parameters: RuleParameters;
  /** The rule whose earlier results are checked for vanished notebooks; undefined = skip (read-only scans). */
  readonly configRuleName?: string;
  readonly orderingTimestamp: Date;
  readonly concurrency?: number;
  /** Epoch ms after which no new notebook is started. */
  readonly deadline?: number;
  readonly now?: () => number;
  readonly log: SweepLog;
  /** Takes each batch of at most 100 evaluations as it is ready, one batch at a time, sorted by resource id. */
  readonly deliver: (batch: readonly ResourceEvaluation[]) => Promise<void>;
}

export interface SweepFailure {
  readonly notebook: string;
  readonly error: unknown;
}

export interface SweepResult {
  /** Notebooks SageMaker listed. */
  readonly notebookCount: number;
  /** Evaluations handed to `deliver` (vanished notebooks included). */
  readonly delivered: number;
  /** Notebooks whose evaluation failed: reported loudly by the caller, never guessed. */
  readonly failures: SweepFailure[];
  /** Notebooks not started because the deadline came first. */
  readonly notStarted: string[];
  /** The listing failed part-way: the rest of the account was not evaluated, and nothing was marked gone. */
  readonly listingError?: unknown;
  /** This rule's earlier results could not be read: notebooks that vanished were not marked gone. */
  readonly priorResultsError?: unknown;
}

/** Some notebooks were not evaluated: the invocation fails loudly instead of reporting part of the account. */
export class SweepIncompleteError extends Error {
  override readonly name = 'SweepIncompleteError';

  static throwIfIncomplete(result: SweepResult): void {
    const { failures, notStarted, notebookCount, listingError, priorResultsError } = result;
    // Nothing listed at all: the listing's own error says it best.
    if (listingError !== undefined && notebookCount === 0 && priorResultsError === undefined)
      throw listingError;
    const parts = [
      ...(listingError !== undefined
        ? [
            `listing notebooks failed after ${notebookCount} (${describeError(listingError)}): the rest were not evaluated and no notebook was marked as gone`,
          ]
        : []),
      ...(failures.length > 0
        ? [
            `${failures.length} of ${notebookCount} notebook(s) could not be evaluated (${failures
              .slice(0, 5)
              .map(
                ({ notebook, error }) =>
                  `${notebook}: ${error instanceof Error ? error.message : String(error)}`,
              )
              .join('; ')}${failures.length > 5 ? '; …' : ''})`,
          ]
        : []),
      ...(notStarted.length > 0
        ? [
            `${notStarted.length} of ${notebookCount} notebook(s) were not started before the Lambda deadline (raise the timeout or the concurrency)`,
          ]
        : []),
      ...(priorResultsError !== undefined
        ? [
            `earlier results could not be read (${describeError(priorResultsError)}): notebooks that no longer exist were not marked NOT_APPLICABLE`,
          ]
        : []),
    ];
    if (parts.length === 0) return;
    throw new SweepIncompleteError(`Periodic sweep incomplete: ${parts.join('; ')}`, {
      cause: listingError ?? failures[0]?.error ?? priorResultsError,
    });
  }
}

/** An evaluation whose resource id is settled once Config's inventory is known (when its batch is delivered). */
type PendingEvaluation = (configIds: ConfigResourceIds) => ResourceEvaluation;

export async function sweep(session: AccountSession, options: SweepOptions): Promise<SweepResult> {
  const { config } = session.clients;
  const { log } = options;
  const inventory = configResourceIds(config, log);
  const priors = options.configRuleName
    ? settled(priorResourceIds(config, options.configRuleName))
    : Promise.resolve({ value: [] });
  let delivered = 0;
  const queue = new BatchQueue<PendingEvaluation>(
    MAX_EVALUATIONS_PER_CALL,
    MAX_BATCHES_WAITING,
    async (pending) => {
      const configIds = await inventory;
      const batch = pending.map((evaluation) => evaluation(configIds)).sort(byResourceId);
      delivered += batch.length;
      await options.deliver(batch);
    },
  );

  const listing = await evaluateListed(session, options, queue);
  const prior = await priors;
  if (listing.error === undefined && 'value' in prior) {
    for (const resourceId of vanishedIds(prior.value, listing.keys, await inventory, log)) {
      await queue.add(() => ({
        compliance: 'NOT_APPLICABLE',
        annotation: NO_LONGER_EXISTS,
        ...target(resourceId, options),
      }));
    }
  }
  await queue.close();
  return {
    notebookCount: listing.count,
    delivered,
    failures: listing.failures,
    notStarted: listing.notStarted,
    ...(listing.error !== undefined && { listingError: listing.error }),
    ...('error' in prior && { priorResultsError: prior.error }),
  };
}

const NO_LONGER_EXISTS = 'Notebook instance no longer exists';

interface Listing {
  readonly count: number;
  /** Lowercased name of every notebook listed (for the vanished check). */
  readonly keys: Set<string>;
  readonly failures: SweepFailure[];
  readonly notStarted: string[];
  readonly error?: unknown;
}

/**
 * Lists notebooks and evaluates each as the pages arrive, with at most `concurrency` SageMaker calls on their way
 * (a notebook's description, and the tags of a NON_COMPLIANT one). A described notebook waiting for its EC2 facts
 * holds no slot (the first of each subnet waits for a lookup or two); up to ASSESSING_PER_SLOT times as many of
 * them may wait.
 */
async function evaluateListed(
  session: AccountSession,
  options: SweepOptions,
  queue: BatchQueue<PendingEvaluation>,
): Promise<Listing> {
  const concurrency = options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;
  const sagemakerCalls = new CallSlots(concurrency);
  const now = options.now ?? Date.now;
  const keys = new Set<string>();
  const failures: SweepFailure[] = [];
  const notStarted: string[] = [];
  const describing = new Set<Promise<void>>();
  const assessing = new Set<Promise<void>>();
  let count = 0;
  let error: unknown;
  try {
    for await (const summary of notebookSummaries(session.clients.sagemaker)) {
      count += 1;
      const name = summary.NotebookInstanceName ?? '';
      if (name) keys.add(name.toLowerCase());
      while (assessing.size >= concurrency * ASSESSING_PER_SLOT) await Promise.race(assessing);
      await sagemakerCalls.acquire();
      if (options.deadline !== undefined && now() >= options.deadline) {
        sagemakerCalls.release();
        notStarted.push(name);
        continue;
      }
      const failed = (failure: unknown) => {
        failures.push({ notebook: name, error: failure });
      };
      const described = describeNotebook(session.clients.sagemaker, name, exemptionChecked(options))
        .finally(() => sagemakerCalls.release())
        .then((notebook) => {
          const assessment = assessAndQueue(session, options, summary, notebook, queue, sagemakerCalls);
          track(assessing, assessment.catch(failed));
        }, failed);
      track(describing, described);
    }
  } catch (listingError) {
    error = listingError;
  }
  // Every described notebook is being assessed once the descriptions are done.
  await Promise.all(describing);
  await Promise.all(assessing);
  return { count, keys, failures, notStarted, ...(error !== undefined && { error }) };
}

function track(running: Set<Promise<void>>, task: Promise<void>): void {
  running.add(task);
  void task.finally(() => running.delete(task));
}

/** One described notebook (undefined: gone since it was listed) → verdict → its result waits for its batch. */
async function assessAndQueue(
  session: AccountSession,
  options: SweepOptions,
  summary: NotebookInstanceSummary,
  described: Notebook | undefined,
  queue: BatchQueue<PendingEvaluation>,
  sagemakerCalls: CallSlots,
): Promise<void> {
  let notebook = described;
  let verdict = notebook
    ? await assessNotebook(notebook, session.network, options.parameters)
    : ({ compliance: 'NOT_APPLICABLE', annotation: NO_LONGER_EXISTS } as const);
  if (notebook && verdict.compliance === 'NON_COMPLIANT' && !exemptionChecked(options)) {
    // Its tags say who owns it, and so where to fix it (EC2 facts come from the cache this time).
    const untagged = notebook;
    notebook = await sagemakerCalls.run(() => withTags(session.clients.sagemaker, untagged));
    verdict = await assessNotebook(notebook, session.network, options.parameters);
  }
  const identity = notebook ?? identityFromSummary(summary);
  const name = summary.NotebookInstanceName ?? '';
  const arn = summary.NotebookInstanceArn;
  await queue.add((configIds) => ({
    ...verdict,
    ...target(reconcileId(name, arn, configIds, options.log), options),
    notebook: identity,
  }));
}

/** The exemption check needs every notebook's tags: they are read with its description. */
function exemptionChecked(options: SweepOptions): boolean {
  return options.parameters.exemptionTagKey !== undefined;
}

function target(resourceId: string, options: SweepOptions) {
  return { resourceType: NOTEBOOK_RESOURCE_TYPE, resourceId, orderingTimestamp: options.orderingTimestamp };
}

function byResourceId(a: ResourceEvaluation, b: ResourceEvaluation): number {
  return a.resourceId.localeCompare(b.resourceId);
}

async function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}
