/**
 * The change-triggered path: one configuration item → applicability → (inflate if oversized) → notebook →
 * verdict. Exactly one evaluation per event, on the CI's own resource id and capture time.
 */
import {
  type ConfigServiceClient,
  GetResourceConfigHistoryCommand,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { assessNotebook } from '../assess';
import type { AccountSession } from '../clients';
import type { Verdict } from '../evaluate';
import { type Notebook, type NotebookIdentity, notebookFromConfigurationItem } from '../notebook';
import type { RuleParameters } from '../parameters';
import { describeNotebook } from '../sagemaker';
import {
  type Applicability,
  applicability,
  type ConfigurationItem,
  type ConfigurationItemSummary,
  fallbackNotebookName,
  fromApiShape,
  type InvokingEvent,
  NOTEBOOK_RESOURCE_TYPE,
} from './event';
import type { ResourceEvaluation } from './report';

type NotApplicable = Extract<Applicability, { applicable: false }>;

export type ChangeEvent = Exclude<InvokingEvent, { messageType: 'ScheduledNotification' }>;

export interface ChangeLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

export class ConfigurationItemUnavailableError extends Error {
  override readonly name = 'ConfigurationItemUnavailableError';
}

export async function evaluateChange(
  event: ChangeEvent,
  eventLeftScope: boolean | undefined,
  session: AccountSession,
  parameters: RuleParameters,
  log: ChangeLog,
): Promise<ResourceEvaluation> {
  const item =
    event.messageType === 'ConfigurationItemChangeNotification'
      ? event.configurationItem
      : event.configurationItemSummary;
  const verdict = await verdictFor(item, eventLeftScope, session, parameters, log);
  return {
    ...verdict,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    orderingTimestamp: item.captureTime,
  };
}

/** The verdict, and the notebook it is about: as evaluated, or as far as the item names it. */
async function verdictFor(
  item: ConfigurationItem | ConfigurationItemSummary,
  eventLeftScope: boolean | undefined,
  session: AccountSession,
  parameters: RuleParameters,
  log: ChangeLog,
): Promise<Verdict & { readonly notebook?: NotebookIdentity }> {
  const identity = item.resourceType === NOTEBOOK_RESOURCE_TYPE ? identityOf(item) : undefined;
  const scope = applicability(item, eventLeftScope);
  if (!scope.applicable) {
    return {
      compliance: 'NOT_APPLICABLE',
      annotation: scope.reason,
      ...(identity && { notebook: identity }),
    };
  }
  const notebook = 'configuration' in item ? notebookOf(item) : await inflateOversized(item, session, log);
  if ('applicable' in notebook) {
    return {
      compliance: 'NOT_APPLICABLE',
      annotation: notebook.reason,
      ...(identity && { notebook: identity }),
    };
  }
  return { ...(await assessNotebook(notebook, session.network, parameters)), notebook };
}

function identityOf(item: ConfigurationItemSummary): NotebookIdentity {
  return {
    name: fallbackNotebookName(item),
    ...(item.arn && { arn: item.arn }),
    ...(item.creationTime && { createdAt: item.creationTime }),
  };
}

function notebookOf(item: ConfigurationItem): Notebook {
  const { name, ...identity } = identityOf(item);
  return notebookFromConfigurationItem(item.configuration, name, item.tags, identity);
}

/**
 * The full item from GetResourceConfigHistory. Whether Config accepts this resource type through an SDK whose
 * enum lacks it is unconfirmed: if Config rejects it, read the notebook from SageMaker instead.
 */
async function inflateOversized(
  summary: ConfigurationItemSummary,
  session: AccountSession,
  log: ChangeLog,
): Promise<Notebook | NotApplicable> {
  let item: ConfigurationItem | undefined;
  try {
    item = await configurationItemAt(session.clients.config, summary);
  } catch (error) {
    if (
      !(error instanceof Error) ||
      !['ValidationException', 'ResourceNotDiscoveredException'].includes(error.name)
    ) {
      throw error;
    }
    log.warn('GetResourceConfigHistory refused the notebook; reading it from SageMaker', {
      resourceId: summary.resourceId,
      error: `${error.name}: ${error.message}`,
    });
    const name = fallbackNotebookName(summary);
    // With its tags, as Config's item has them (the exemption, and the owner of a NON_COMPLIANT notebook).
    const described = await describeNotebook(session.clients.sagemaker, name, true);
    if (!described) {
      throw new ConfigurationItemUnavailableError(
        `oversized item for ${summary.resourceId}: Config refused it and SageMaker has no notebook ${name}`,
        { cause: error },
      );
    }
    return described;
  }
  if (!item) {
    throw new ConfigurationItemUnavailableError(
      `GetResourceConfigHistory returned no item for ${summary.resourceId}`,
    );
  }
  const scope = applicability(item, false);
  return scope.applicable ? notebookOf(item) : scope;
}

async function configurationItemAt(
  config: ConfigServiceClient,
  summary: ConfigurationItemSummary,
): Promise<ConfigurationItem | undefined> {
  const { configurationItems = [] } = await config.send(
    new GetResourceConfigHistoryCommand({
      // The SDK's ResourceType enum lags the service and lacks this type.
      resourceType: NOTEBOOK_RESOURCE_TYPE as ResourceType,
      resourceId: summary.resourceId,
      laterTime: summary.captureTime,
      limit: 1,
    }),
  );
  const [first] = configurationItems;
  return first && fromApiShape(first);
}
