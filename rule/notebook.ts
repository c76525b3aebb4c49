/**
 * ONE view of a notebook instance, whichever way we learned about it. Two AWS shapes describe the same
 * notebook with different names (the configuration item's CloudFormation-style `SecurityGroupIds`,
 * `LifecycleConfigName` vs DescribeNotebookInstance's `SecurityGroups`, …): this file is the only place that
 * reads either, each through its own typed accessor, so the two are never mixed.
 */
import { describeValue } from './text';

/** The resource type, as Config, CloudFormation and its hooks name it. */
export const NOTEBOOK_RESOURCE_TYPE = 'AWS::SageMaker::NotebookInstance';

export type DirectInternetAccess = 'Enabled' | 'Disabled';

/** Who the notebook is, as far as the source says (a deleted notebook's item still names it). */
export interface NotebookIdentity {
  readonly name: string;
  readonly arn?: string;
  /** When the notebook was created. */
  readonly createdAt?: Date;
}

export interface Notebook extends NotebookIdentity {
  /** undefined = no subnet: the notebook runs in the SageMaker service VPC. */
  readonly subnetId?: string;
  readonly securityGroupIds: readonly string[];
  /** Absent in AWS counts as Enabled, the API default. */
  readonly directInternetAccess: DirectInternetAccess;
  readonly tags: Readonly<Record<string, string>>;
}

export class MalformedNotebookError extends Error {
  override readonly name = 'MalformedNotebookError';
}

/**
 * The DescribeNotebookInstance fields the view reads (API names). The SDK's DescribeNotebookInstanceOutput has
 * them; they are typed here so that the view, which the CDK library ships, needs no SDK at run time or in types.
 */
export interface NotebookDescription {
  readonly NotebookInstanceName?: string;
  readonly NotebookInstanceArn?: string;
  readonly CreationTime?: Date;
  readonly SubnetId?: string;
  readonly SecurityGroups?: readonly string[];
  readonly DirectInternetAccess?: string;
}

/** The ListNotebookInstances fields that say who a notebook is (the SDK's NotebookInstanceSummary has them). */
export type NotebookSummary = Pick<
  NotebookDescription,
  'NotebookInstanceName' | 'NotebookInstanceArn' | 'CreationTime'
>;

/** A tag as ListTags (and CloudFormation, and the SDK's Tag) write it. */
export interface NotebookTag {
  readonly Key?: string;
  readonly Value?: string;
}

/**
 * The `configuration` of an AWS::SageMaker::NotebookInstance configuration item (CloudFormation-style keys).
 * Only the fields the rule reads are typed; Config omits fields that are null.
 */
export interface NotebookConfigurationItemFields {
  readonly NotebookInstanceName?: string;
  readonly SubnetId?: string;
  readonly SecurityGroupIds?: readonly string[];
  readonly DirectInternetAccess?: string;
}

/**
 * From a configuration item's `configuration` object (either notification shape or inflated API shape); the
 * ARN and creation time are the item's own fields, outside `configuration`.
 */
export function notebookFromConfigurationItem(
  configuration: unknown,
  fallbackName: string,
  tags: Readonly<Record<string, string>>,
  identity: Omit<NotebookIdentity, 'name'> = {},
): Notebook {
  if (configuration === null || typeof configuration !== 'object' || Array.isArray(configuration)) {
    throw new MalformedNotebookError(
      `configuration of notebook ${describeValue(fallbackName)} is missing or not an object`,
    );
  }
  const fields = configuration as Record<string, unknown>;
  const name = optionalString(fields, 'NotebookInstanceName') ?? fallbackName;
  return {
    name,
    ...identity,
    ...subnet(optionalString(fields, 'SubnetId')),
    securityGroupIds: optionalStringArray(fields, 'SecurityGroupIds') ?? [],
    directInternetAccess: directInternetAccess(optionalString(fields, 'DirectInternetAccess'), name),
    tags,
  };
}

/**
 * From the properties of an AWS::SageMaker::NotebookInstance in CloudFormation (a hook's proposed
 * properties, or a template's once intrinsics are resolved): the configuration item's keys, plus `Tags` as a
 * list of {Key, Value}. Without NotebookInstanceName CloudFormation generates a name: the logical id stands in.
 */
export function notebookFromCloudFormation(properties: unknown, logicalId: string): Notebook {
  const tags =
    properties !== null && typeof properties === 'object' && 'Tags' in properties
      ? properties.Tags
      : undefined;
  return notebookFromConfigurationItem(properties, logicalId, cloudFormationTags(tags, logicalId));
}

/** From DescribeNotebookInstance (API keys) and ListTags. */
export function notebookFromDescription(
  description: NotebookDescription,
  tags: readonly NotebookTag[],
): Notebook {
  const name = description.NotebookInstanceName;
  if (!name) throw new MalformedNotebookError('DescribeNotebookInstance returned no NotebookInstanceName');
  const { NotebookInstanceArn: arn, CreationTime: createdAt } = description;
  return {
    name,
    ...(arn && { arn }),
    ...(createdAt && { createdAt }),
    ...subnet(description.SubnetId),
    securityGroupIds: [...(description.SecurityGroups ?? [])],
    directInternetAccess: directInternetAccess(description.DirectInternetAccess, name),
    tags: tagMap(tags),
  };
}

/** From ListNotebookInstances: who a listed notebook is (it may be gone by the time it is described). */
export function identityFromSummary(summary: NotebookSummary): NotebookIdentity {
  const { NotebookInstanceName: name, NotebookInstanceArn: arn, CreationTime: createdAt } = summary;
  if (!name) throw new MalformedNotebookError('ListNotebookInstances returned a notebook without a name');
  return { name, ...(arn && { arn }), ...(createdAt && { createdAt }) };
}

export function tagMap(tags: readonly NotebookTag[]): Record<string, string> {
  return Object.fromEntries(
    tags.flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? '']])),
  );
}

function cloudFormationTags(tags: unknown, logicalId: string): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  const entries = Array.isArray(tags) ? tags : [];
  const valid = entries.every(
    (tag: unknown) =>
      tag !== null &&
      typeof tag === 'object' &&
      'Key' in tag &&
      typeof tag.Key === 'string' &&
      (!('Value' in tag) || typeof tag.Value === 'string'),
  );
  if (!Array.isArray(tags) || !valid) {
    throw new MalformedNotebookError(
      `Tags of notebook ${describeValue(logicalId)} must be a list of {Key, Value}`,
    );
  }
  return tagMap(tags as NotebookTag[]);
}

function subnet(subnetId: string | undefined): { subnetId?: string } {
  return subnetId ? { subnetId } : {};
}

function directInternetAccess(value: string | undefined, name: string): DirectInternetAccess {
  if (value === undefined || value === 'Enabled') return 'Enabled';
  if (value === 'Disabled') return 'Disabled';
  // An unknown value must not be read as either: fail rather than guess.
  throw new MalformedNotebookError(
    `notebook ${describeValue(name)} has unrecognized DirectInternetAccess ${describeValue(value)}`,
  );
}

function optionalString(
  fields: Record<string, unknown>,
  key: keyof NotebookConfigurationItemFields,
): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new MalformedNotebookError(`configuration.${key} must be a string`);
  return value;
}

function optionalStringArray(
  fields: Record<string, unknown>,
  key: keyof NotebookConfigurationItemFields,
): string[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new MalformedNotebookError(`configuration.${key} must be a list of strings`);
  }
  return value;
}
