/**
 * What Config knows of the account's notebooks, read alongside the sweep: its own resource ids
 * (ListDiscoveredResources), so a periodic result lands on the resource a change-triggered one does; and the
 * resources this rule has results for (GetComplianceDetailsByConfigRule), so notebooks that no longer exist can
 * be marked NOT_APPLICABLE. Ids only: names, ARNs and Config's ids, never the notebooks' details.
 */
import {
  type ConfigServiceClient,
  paginateGetComplianceDetailsByConfigRule,
  paginateListDiscoveredResources,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { describeError } from '../text';
import { NOTEBOOK_RESOURCE_TYPE } from './event';

const NOTEBOOK_NAME = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;
const NOTEBOOK_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:notebook-instance\/[a-z0-9-]+$/;

export interface InventoryLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

/**
 * Config's inventory as lowercased notebook name → Config's resource id (lowercased id → id for an entry
 * without a name); undefined when Config refused the call.
 */
export type ConfigResourceIds = ReadonlyMap<string, string> | undefined;

/** Config's inventory; never throws: when Config refuses the call, results are filed under notebook names. */
export async function configResourceIds(
  config: ConfigServiceClient,
  log: InventoryLog,
): Promise<ConfigResourceIds> {
  const ids = new Map<string, string>();
  try {
    const pages = paginateListDiscoveredResources(
      { client: config, pageSize: 100 },
      // The SDK's ResourceType enum lags the service and lacks this type.
      { resourceType: NOTEBOOK_RESOURCE_TYPE as ResourceType },
    );
    for await (const page of pages) {
      for (const { resourceId, resourceName } of page.resourceIdentifiers ?? []) {
        if (resourceId) ids.set((resourceName ?? resourceId).toLowerCase(), resourceId);
      }
    }
  } catch (error) {
    log.warn('Config refused ListDiscoveredResources; results are filed under notebook names', {
      error: describeError(error),
    });
    return undefined;
  }
  return ids;
}

/**
 * The id Config files this notebook under — by its name, or by its ARN for an inventory entry without a name
 * (matched case-insensitively: ARNs lowercase the name) — else its name.
 */
export function reconcileId(
  name: string,
  arn: string | undefined,
  configIds: ConfigResourceIds,
  log: InventoryLog,
): string {
  const known = configIds?.get(name.toLowerCase()) ?? (arn ? configIds?.get(arn.toLowerCase()) : undefined);
  if (known) return known;
  if (configIds)
    log.warn('Config has no inventory entry for this notebook; filing under its name', { notebook: name });
  return name;
}

/** Resource ids this rule has a COMPLIANT or NON_COMPLIANT result for. */
export async function priorResourceIds(
  config: ConfigServiceClient,
  configRuleName: string,
): Promise<string[]> {
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
 * Earlier results of notebooks that no longer exist. `listed` holds the lowercased name of every notebook
 * SageMaker listed; an earlier result is live when its id is one of them, a notebook ARN ending in one (ARNs
 * lowercase the name), or Config's id for one.
 */
export function vanishedIds(
  priorIds: readonly string[],
  listed: ReadonlySet<string>,
  configIds: ConfigResourceIds,
  log: InventoryLog,
): string[] {
  const liveConfigIds = new Set<string>();
  for (const name of listed) {
    const id = configIds?.get(name);
    if (id) liveConfigIds.add(id.toLowerCase());
  }
  const isLive = (id: string) => {
    const key = id.toLowerCase();
    return listed.has(key) || liveConfigIds.has(key) || listed.has(notebookNameOfArn(key) ?? '');
  };
  return [...new Set(priorIds)].filter((id) => !isLive(id) && isSafelyVanished(id, configIds, log));
}

/** The name part of a notebook ARN, lowercased as ARNs write it; undefined for anything else. */
function notebookNameOfArn(id: string): string | undefined {
  return NOTEBOOK_ARN.test(id) ? id.slice(id.lastIndexOf('/') + 1) : undefined;
}

/**
 * Without Config's inventory an earlier id that matches no live notebook may still be one (filed under an id
 * we cannot map): only ids shaped like a notebook name or ARN are then known to be gone.
 */
function isSafelyVanished(id: string, configIds: ConfigResourceIds, log: InventoryLog): boolean {
  if (configIds || NOTEBOOK_NAME.test(id) || NOTEBOOK_ARN.test(id)) return true;
  log.warn(
    'Earlier result matches no live notebook but cannot be mapped without Config inventory; left as is',
    { resourceId: id },
  );
  return false;
}
