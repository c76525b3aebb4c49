/**
 * A notebook as AWS Config records it. The configuration item's `configuration` uses CloudFormation-style
 * PascalCase keys that differ from DescribeNotebookInstance's (SecurityGroupIds, not SecurityGroups;
 * LifecycleConfigName, not NotebookInstanceLifecycleConfigName) and has no VpcId, tags, platform or IMDS
 * settings. This is the only place the fake converts between the two shapes.
 */
import type { DiscoveredResource, InventoryNotebook } from './inventory.js';
import { epochSeconds, type FakeAwsState, NOTEBOOK_RESOURCE_TYPE } from './state.js';
import type { JsonObject } from './wire.js';

export interface NotebookConfiguration {
  readonly NotebookInstanceName: string;
  readonly SubnetId?: string;
  readonly SecurityGroupIds?: readonly string[];
  readonly DirectInternetAccess?: string;
  readonly RootAccess?: string;
  readonly InstanceType?: string;
  readonly RoleArn?: string;
  readonly KmsKeyId?: string;
  readonly LifecycleConfigName?: string;
  readonly VolumeSizeInGB?: number;
  readonly DefaultCodeRepository?: string;
  readonly AdditionalCodeRepositories?: readonly string[];
  readonly AcceleratorTypes?: readonly string[];
  /** The CloudFormation primary identifier; the fake uses Config's resourceId for it. */
  readonly Id: string;
}

export function toNotebookConfiguration(notebook: InventoryNotebook, id: string): NotebookConfiguration {
  return {
    NotebookInstanceName: notebook.NotebookInstanceName,
    SubnetId: notebook.SubnetId,
    SecurityGroupIds: notebook.SecurityGroups,
    DirectInternetAccess: notebook.DirectInternetAccess,
    RootAccess: notebook.RootAccess,
    InstanceType: notebook.InstanceType,
    RoleArn: notebook.RoleArn,
    KmsKeyId: notebook.KmsKeyId,
    LifecycleConfigName: notebook.NotebookInstanceLifecycleConfigName,
    VolumeSizeInGB: notebook.VolumeSizeInGB,
    DefaultCodeRepository: notebook.DefaultCodeRepository,
    AdditionalCodeRepositories: notebook.AdditionalCodeRepositories,
    AcceleratorTypes: notebook.AcceleratorTypes,
    Id: id,
  };
}

/** The notebook a Config inventory entry stands for, if it still exists. */
export function notebookOfDiscovered(
  state: FakeAwsState,
  discovered: DiscoveredResource,
): InventoryNotebook | undefined {
  if (discovered.resourceName !== undefined) {
    const byName = state.notebook(discovered.resourceName);
    if (byName) return byName;
  }
  return state.notebook(discovered.resourceId) ?? state.notebookByArn(discovered.resourceId);
}

/** GetResourceConfigHistory's item (the API shape: `accountId`, `arn`, `configuration` as a string). */
export function toApiConfigurationItem(
  state: FakeAwsState,
  discovered: DiscoveredResource,
  notebook: InventoryNotebook | undefined,
): JsonObject {
  const common = {
    version: '1.3',
    accountId: state.accountId,
    resourceType: NOTEBOOK_RESOURCE_TYPE,
    resourceId: discovered.resourceId,
    resourceName: notebook?.NotebookInstanceName ?? discovered.resourceName,
    awsRegion: state.region,
    availabilityZone: 'Not Applicable',
    configurationItemMD5Hash: '',
    relatedEvents: [],
    relationships: [],
    supplementaryConfiguration: {},
  };
  if (notebook === undefined) {
    const deletedAt = discovered.resourceDeletionTime
      ? epochSeconds(discovered.resourceDeletionTime)
      : state.now().getTime() / 1000;
    return {
      ...common,
      configurationItemCaptureTime: deletedAt,
      configurationItemStatus: 'ResourceDeleted',
      configurationStateId: String(Math.round(deletedAt * 1000)),
      tags: {},
    };
  }
  const capturedAt = captureTime(notebook);
  return {
    ...common,
    arn: notebook.NotebookInstanceArn,
    configurationItemCaptureTime: capturedAt,
    configurationItemStatus: 'OK',
    configurationStateId: String(Math.round(capturedAt * 1000)),
    resourceCreationTime: notebook.CreationTime ? epochSeconds(notebook.CreationTime) : undefined,
    tags: Object.fromEntries((notebook.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
    configuration: JSON.stringify(toNotebookConfiguration(notebook, discovered.resourceId)),
  };
}

/** Config captures a new item whenever the notebook changes: its last modification. */
export function captureTime(notebook: InventoryNotebook): number {
  const iso = notebook.LastModifiedTime ?? notebook.CreationTime;
  return iso ? epochSeconds(iso) : 0;
}
