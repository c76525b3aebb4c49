/**
 * AWS Config's view of the notebooks (awsJson1_1, `StarlingDoveService.<Op>`): ListDiscoveredResources
 * and GetResourceConfigHistory. Whether Config accepts `AWS::SageMaker::NotebookInstance` in these calls
 * is unconfirmed (the SDK's enum lacks it), so an inventory without `discoveredResources` makes the fake
 * refuse the type the way the service would refuse an unknown enum value.
 */

import { captureTime, notebookOfDiscovered, toApiConfigurationItem } from './configuration-item.js';
import type { DiscoveredResource } from './inventory.js';
import {
  InputViolations,
  readBoolean,
  readInteger,
  readString,
  readStringList,
  readTimestamp,
} from './json-input.js';
import type { JsonOperation } from './operation.js';
import { byKey, paginate } from './pagination.js';
import { ServiceError } from './service-error.js';
import { epochSeconds, type FakeAwsState, NOTEBOOK_RESOURCE_TYPE } from './state.js';

const DEFAULT_DISCOVERED_PAGE = 100;
const DEFAULT_HISTORY_PAGE = 10;

function invalidNextToken(): ServiceError {
  return new ServiceError('InvalidNextTokenException', 'The nextToken provided is invalid');
}

/** The inventory Config holds for the type, or the refusal the service gives for a type it rejects. */
function discoveredOfType(
  state: FakeAwsState,
  resourceType: string | undefined,
): readonly DiscoveredResource[] {
  const violations = new InputViolations();
  if (violations.required('resourceType', resourceType) && resourceType !== NOTEBOOK_RESOURCE_TYPE) {
    violations.oneOf('resourceType', resourceType, [NOTEBOOK_RESOURCE_TYPE]);
  }
  violations.throwIfAny();
  if (state.discoveredResources === undefined) {
    const refusal = new InputViolations();
    refusal.add('resourceType', resourceType, 'Member must satisfy enum value set');
    refusal.throwIfAny();
  }
  return state.discoveredResources ?? [];
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (limit < 0 || limit > 100)) {
    throw new ServiceError(
      'InvalidLimitException',
      `The limit ${limit} is outside the allowable range (0-100).`,
    );
  }
}

const listDiscoveredResources: JsonOperation = (input, state) => {
  const resourceType = readString(input, 'resourceType');
  const resourceIds = readStringList(input, 'resourceIds');
  const resourceName = readString(input, 'resourceName');
  const limit = readInteger(input, 'limit');
  const includeDeleted = readBoolean(input, 'includeDeletedResources') ?? false;
  const nextToken = readString(input, 'nextToken');
  const violations = new InputViolations();
  violations.length('resourceIds', resourceIds, 0, 20);
  violations.throwIfAny();
  const discovered = discoveredOfType(state, resourceType);
  checkLimit(limit);

  const matching = discovered
    .filter((entry) => includeDeleted || entry.resourceDeletionTime === undefined)
    .filter((entry) => resourceIds === undefined || resourceIds.includes(entry.resourceId))
    .filter((entry) => resourceName === undefined || entry.resourceName === resourceName)
    .sort(byKey((entry) => entry.resourceId));
  const page = paginate(
    matching,
    (entry) => entry.resourceId,
    {
      scope: `ListDiscoveredResources ${JSON.stringify([resourceIds, resourceName, includeDeleted])}`,
      token: nextToken,
      limit: limit || DEFAULT_DISCOVERED_PAGE,
    },
    invalidNextToken,
  );
  return {
    resourceIdentifiers: page.items.map((entry) => ({
      resourceType: NOTEBOOK_RESOURCE_TYPE,
      resourceId: entry.resourceId,
      resourceName: entry.resourceName,
      resourceDeletionTime: entry.resourceDeletionTime && epochSeconds(entry.resourceDeletionTime),
    })),
    ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
  };
};

/** The fake keeps one configuration item per notebook: its current state (or its deletion). */
const getResourceConfigHistory: JsonOperation = (input, state) => {
  const resourceType = readString(input, 'resourceType');
  const resourceId = readString(input, 'resourceId');
  const laterTime = readTimestamp(input, 'laterTime');
  const earlierTime = readTimestamp(input, 'earlierTime');
  const order = readString(input, 'chronologicalOrder');
  const limit = readInteger(input, 'limit');
  const nextToken = readString(input, 'nextToken');
  const violations = new InputViolations();
  if (violations.required('resourceId', resourceId)) violations.length('resourceId', resourceId, 1, 768);
  violations.oneOf('chronologicalOrder', order, ['Reverse', 'Forward']);
  violations.throwIfAny();
  const discovered = discoveredOfType(state, resourceType);
  checkLimit(limit);
  if (laterTime !== undefined && earlierTime !== undefined && laterTime < earlierTime) {
    throw new ServiceError('InvalidTimeRangeException', 'The specified time range is not valid.');
  }
  const entry = discovered.find((candidate) => candidate.resourceId === resourceId);
  if (entry === undefined) {
    throw new ServiceError(
      'ResourceNotDiscoveredException',
      `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
    );
  }
  const notebook = notebookOfDiscovered(state, entry);
  const item = toApiConfigurationItem(state, entry, notebook);
  const capturedAt = notebook ? captureTime(notebook) : Number(item.configurationItemCaptureTime);
  const inRange =
    (laterTime === undefined || capturedAt <= laterTime) &&
    (earlierTime === undefined || capturedAt >= earlierTime);
  const page = paginate(
    inRange ? [item] : [],
    () => String(capturedAt),
    {
      scope: `GetResourceConfigHistory ${resourceId}`,
      token: nextToken,
      limit: limit || DEFAULT_HISTORY_PAGE,
    },
    invalidNextToken,
  );
  return {
    configurationItems: page.items,
    ...(page.nextToken !== undefined && { nextToken: page.nextToken }),
  };
};

export const CONFIG_INVENTORY_OPERATIONS: Readonly<Record<string, JsonOperation>> = {
  ListDiscoveredResources: listDiscoveredResources,
  GetResourceConfigHistory: getResourceConfigHistory,
};
