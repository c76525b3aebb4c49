/**
 * The periodic path. SageMaker is the source of truth (so notebooks Config missed are caught); each result
 * is filed under the resource id Config itself uses (ListDiscoveredResources), so it lands on the same
 * resource as a change-triggered result; notebooks this rule evaluated before that no longer exist become
 * NOT_APPLICABLE. Work runs with bounded concurrency and stops before the Lambda's deadline.
 */
import {
  type ConfigServiceClient,
  paginateGetComplianceDetailsByConfigRule,
  paginateListDiscoveredResources,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import pLimit from 'p-limit';
import { assessNotebook } from '../assess';
import type { AccountSession } from '../clients';
import { identityFromSummary } from '../notebook';
import type { RuleParameters } from '../parameters';
import { describeNotebook, listNotebookInstances, withTags } from '../sagemaker';
import { NOTEBOOK_RESOURCE_TYPE } from './event';
import type { ResourceEvaluation } from './report';

export const DEFAULT_SWEEP_CONCURRENCY = 16;
const NOTEBOOK_NAME = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;
const NOTEBOOK_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:notebook-instance\/[a-z0-9-]+$/;

export interface SweepLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

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
}

export interface SweepFailure {
  readonly notebook: string;
  readonly error: unknown;
}

export interface SweepResult {
  readonly evaluations: ResourceEvaluation[];
  /** Notebooks whose evaluation failed: reported loudly by the caller, never guessed. */
  readonly failures: SweepFailure[];
  /** Notebooks not started because the deadline came first. */
  readonly notStarted: string[];
  readonly notebookCount: number;
}

/** Some notebooks were not evaluated: the invocation fails loudly instead of reporting part of the account. */
export class SweepIncompleteError extends Error {
  override readonly name = 'SweepIncompleteError';

  static throwIfIncomplete(result: SweepResult): void {
    const { failures, notStarted, notebookCount } = result;
    if (failures.length === 0 && notStarted.length === 0) return;
    const parts = [
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
    ];
    throw new SweepIncompleteError(`Periodic sweep incomplete: ${parts.join('; ')}`, {
      cause: failures[0]?.error,
    });
  }
}

export async function sweep(session: AccountSession, options: SweepOptions): Promise<SweepResult> {
  const { sagemaker, config } = session.clients;
  const [summaries, configIds, priorIds] = await Promise.all([
    listNotebookInstances(sagemaker),
    configResourceIds(config, options.log),
    options.configRuleName ? priorResourceIds(config, options.configRuleName) : Promise.resolve([]),
  ]);
  const now = options.now ?? Date.now;
  const limit = pLimit(options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY);
  const tagsNeeded = options.parameters.exemptionTagKey !== undefined;
  const evaluations: ResourceEvaluation[] = [];
  const failures: SweepFailure[] = [];
  const notStarted: string[] = [];
  const liveIds = new Set<string>();

  await Promise.all(
    summaries.map((summary) =>
      limit(async () => {
        const name = summary.NotebookInstanceName ?? '';
        const resourceId = reconcileId(name, summary.NotebookInstanceArn, configIds, options.log);
        for (const key of [resourceId, name, summary.NotebookInstanceArn])
          if (key) liveIds.add(key.toLowerCase());
        if (options.deadline !== undefined && now() >= options.deadline) {
          notStarted.push(name);
          return;
        }
        try {
          let notebook = await describeNotebook(sagemaker, name, tagsNeeded);
          let verdict = notebook
            ? await assessNotebook(notebook, session.network, options.parameters)
            : ({ compliance: 'NOT_APPLICABLE', annotation: 'Notebook instance no longer exists' } as const);
          if (notebook && verdict.compliance === 'NON_COMPLIANT' && !tagsNeeded) {
            // Its tags say who owns it, and so where to fix it (EC2 facts come from the cache this time).
            notebook = await withTags(sagemaker, notebook);
            verdict = await assessNotebook(notebook, session.network, options.parameters);
          }
          evaluations.push({
            ...verdict,
            ...target(resourceId, options),
            notebook: notebook ?? identityFromSummary(summary),
          });
        } catch (error) {
          failures.push({ notebook: name, error });
        }
      }),
    ),
  );

  const vanished = [...new Set(priorIds)].filter(
    (id) => !liveIds.has(id.toLowerCase()) && isSafelyVanished(id, configIds, options.log),
  );
  for (const resourceId of vanished) {
    evaluations.push({
      compliance: 'NOT_APPLICABLE',
      annotation: 'Notebook instance no longer exists',
      ...target(resourceId, options),
    });
  }
  // Concurrent work finishes in any order; sorting keeps the output the same for the same account.
  evaluations.sort((a, b) => a.resourceId.localeCompare(b.resourceId));
  return { evaluations, failures, notStarted, notebookCount: summaries.length };
}

function target(resourceId: string, options: SweepOptions) {
  return { resourceType: NOTEBOOK_RESOURCE_TYPE, resourceId, orderingTimestamp: options.orderingTimestamp };
}

/** Config's inventory as lowercased name/id → Config's resource id; undefined when Config refuses the call. */
async function configResourceIds(
  config: ConfigServiceClient,
  log: SweepLog,
): Promise<Map<string, string> | undefined> {
  const ids = new Map<string, string>();
  try {
    const pages = paginateListDiscoveredResources(
      { client: config, pageSize: 100 },
      // The SDK's ResourceType enum lags the service and lacks this type.
      { resourceType: NOTEBOOK_RESOURCE_TYPE as ResourceType },
    );
    for await (const page of pages) {
      for (const { resourceId, resourceName } of page.resourceIdentifiers ?? []) {
        if (!resourceId) continue;
        ids.set(resourceId.toLowerCase(), resourceId);
        if (resourceName) ids.set(resourceName.toLowerCase(), resourceId);
      }
    }
  } catch (error) {
    log.warn('Config refused ListDiscoveredResources; results are filed under notebook names', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return undefined;
  }
  return ids;
}

function reconcileId(
  name: string,
  arn: string | undefined,
  configIds: Map<string, string> | undefined,
  log: SweepLog,
): string {
  const known = configIds?.get(name.toLowerCase()) ?? (arn ? configIds?.get(arn.toLowerCase()) : undefined);
  if (known) return known;
  if (configIds)
    log.warn('Config has no inventory entry for this notebook; filing under its name', { notebook: name });
  return name;
}

/** Resource ids this rule has a COMPLIANT or NON_COMPLIANT result for. */
async function priorResourceIds(config: ConfigServiceClient, configRuleName: string): Promise<string[]> {
  const ids: string[] = [];
  const pages = paginateGetComplianceDetailsByConfigRule(
    { client: config, pageSize: 100 },
    { ConfigRuleName: configRuleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'] },
  );
  for await (const page of pages) {
    for (const result of page.EvaluationResults ?? []) {
      const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (qualifier?.ResourceType === NOTEBOOK_RESOURCE_TYPE && qualifier.ResourceId)
        ids.push(qualifier.ResourceId);
    }
  }
  return ids;
}

/**
 * Without Config's inventory an earlier id that matches no live notebook may still be one (filed under an id
 * we cannot map): only ids shaped like a notebook name or ARN are then known to be gone.
 */
function isSafelyVanished(id: string, configIds: Map<string, string> | undefined, log: SweepLog): boolean {
  if (configIds || NOTEBOOK_NAME.test(id) || NOTEBOOK_ARN.test(id)) return true;
  log.warn(
    'Earlier result matches no live notebook but cannot be mapped without Config inventory; left as is',
    {
      resourceId: id,
    },
  );
  return false;
}
