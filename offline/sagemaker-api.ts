/**
 * SageMaker (awsJson1_1, `X-Amz-Target: SageMaker.<Op>`): the three notebook operations the rule calls.
 * Timestamps are epoch seconds, as the real protocol sends them.
 */
import type { InventoryNotebook } from './inventory.js';
import { InputViolations, readInteger, readString, readTimestamp } from './json-input.js';
import type { JsonOperation } from './operation.js';
import { byKey, paginate } from './pagination.js';
import { ServiceError } from './service-error.js';
import { epochSeconds } from './state.js';
import type { JsonObject } from './wire.js';

const NOTEBOOK_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const SAGEMAKER_ARN_PATTERN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/;
const STATUSES = ['Pending', 'InService', 'Stopping', 'Stopped', 'Failed', 'Deleting', 'Updating'];
const DEFAULT_LIST_PAGE = 10;
const DEFAULT_TAGS_PAGE = 50;

/** The real service answers an unknown notebook with a ValidationException whose message is "RecordNotFound". */
function recordNotFound(): ServiceError {
  return new ServiceError('ValidationException', 'RecordNotFound');
}

function invalidToken(): ServiceError {
  return new ServiceError('ValidationException', 'Invalid pagination token');
}

const listNotebookInstances: JsonOperation = (input, state) => {
  const violations = new InputViolations();
  const maxResults = readInteger(input, 'MaxResults');
  violations.range('maxResults', maxResults, 1, 100);
  const sortBy = (readString(input, 'SortBy') ?? 'Name') as keyof typeof sortKeys;
  violations.oneOf('sortBy', sortBy, Object.keys(sortKeys));
  const sortOrder = readString(input, 'SortOrder') ?? 'Ascending';
  violations.oneOf('sortOrder', sortOrder, ['Ascending', 'Descending']);
  const statusEquals = readString(input, 'StatusEquals');
  violations.oneOf('statusEquals', statusEquals, STATUSES);
  const nextToken = readString(input, 'NextToken');
  violations.length('nextToken', nextToken, 0, 8192);
  violations.throwIfAny();

  const matches = listFilters(input, statusEquals);
  const keyOf = sortKeys[sortBy];
  const descending = sortOrder === 'Descending';
  const sorted = state.notebooks().filter((notebook) => matches.every((match) => match(notebook)));
  sorted.sort(byKey(keyOf));
  if (descending) sorted.reverse();
  const { NextToken: _, MaxResults: __, ...listing } = input;
  const page = paginate(
    sorted,
    keyOf,
    {
      scope: `ListNotebookInstances ${JSON.stringify(listing)}`,
      token: nextToken,
      limit: maxResults ?? DEFAULT_LIST_PAGE,
    },
    invalidToken,
    descending,
  );
  return {
    NotebookInstances: page.items.map(toSummary),
    ...(page.nextToken !== undefined && { NextToken: page.nextToken }),
  };
};

/** Sort keys end with the (unique) name so that every key is unique, as keyed pagination needs. */
const sortKeys = {
  Name: (notebook: InventoryNotebook) => notebook.NotebookInstanceName,
  CreationTime: (notebook: InventoryNotebook) =>
    `${String(timeOf(notebook.CreationTime) ?? 0).padStart(16, '0')}\u0000${notebook.NotebookInstanceName}`,
  Status: (notebook: InventoryNotebook) =>
    `${notebook.NotebookInstanceStatus ?? ''}\u0000${notebook.NotebookInstanceName}`,
} as const satisfies Readonly<Record<string, (notebook: InventoryNotebook) => string>>;

type NotebookFilter = (notebook: InventoryNotebook) => boolean;

function listFilters(input: JsonObject, statusEquals: string | undefined): NotebookFilter[] {
  const filters: NotebookFilter[] = [];
  const nameContains = readString(input, 'NameContains');
  if (nameContains !== undefined) filters.push((n) => n.NotebookInstanceName.includes(nameContains));
  if (statusEquals !== undefined) filters.push((n) => n.NotebookInstanceStatus === statusEquals);
  const timeBounds: ReadonlyArray<readonly [string, (n: InventoryNotebook) => string | undefined, 1 | -1]> = [
    ['CreationTimeBefore', (n) => n.CreationTime, -1],
    ['CreationTimeAfter', (n) => n.CreationTime, 1],
    ['LastModifiedTimeBefore', (n) => n.LastModifiedTime, -1],
    ['LastModifiedTimeAfter', (n) => n.LastModifiedTime, 1],
  ];
  for (const [member, timeOfNotebook, direction] of timeBounds) {
    const bound = readTimestamp(input, member);
    if (bound === undefined) continue;
    filters.push((n) => {
      const time = timeOf(timeOfNotebook(n));
      return time !== undefined && (direction === 1 ? time > bound : time < bound);
    });
  }
  const lifecycleContains = readString(input, 'NotebookInstanceLifecycleConfigNameContains');
  if (lifecycleContains !== undefined) {
    filters.push((n) => n.NotebookInstanceLifecycleConfigName?.includes(lifecycleContains) ?? false);
  }
  const repositoryContains = readString(input, 'DefaultCodeRepositoryContains');
  if (repositoryContains !== undefined) {
    filters.push((n) => n.DefaultCodeRepository?.includes(repositoryContains) ?? false);
  }
  const additionalRepository = readString(input, 'AdditionalCodeRepositoryEquals');
  if (additionalRepository !== undefined) {
    filters.push((n) => n.AdditionalCodeRepositories?.includes(additionalRepository) ?? false);
  }
  return filters;
}

function timeOf(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : epochSeconds(iso);
}

function toSummary(notebook: InventoryNotebook): JsonObject {
  return {
    NotebookInstanceName: notebook.NotebookInstanceName,
    NotebookInstanceArn: notebook.NotebookInstanceArn,
    NotebookInstanceStatus: notebook.NotebookInstanceStatus,
    Url: notebook.Url,
    InstanceType: notebook.InstanceType,
    CreationTime: timeOf(notebook.CreationTime),
    LastModifiedTime: timeOf(notebook.LastModifiedTime),
    NotebookInstanceLifecycleConfigName: notebook.NotebookInstanceLifecycleConfigName,
    DefaultCodeRepository: notebook.DefaultCodeRepository,
    AdditionalCodeRepositories: notebook.AdditionalCodeRepositories,
  };
}

const describeNotebookInstance: JsonOperation = (input, state) => {
  const violations = new InputViolations();
  const name = readString(input, 'NotebookInstanceName');
  if (violations.required('notebookInstanceName', name)) {
    violations.length('notebookInstanceName', name, 0, 63);
    violations.pattern('notebookInstanceName', name, NOTEBOOK_NAME_PATTERN);
  }
  violations.throwIfAny();
  const notebook = name === undefined ? undefined : state.notebook(name);
  if (notebook === undefined) throw recordNotFound();
  return toDescription(notebook);
};

/** DescribeNotebookInstance's answer: the API fields only (no tags, no example annotations). */
function toDescription(notebook: InventoryNotebook): JsonObject {
  const {
    Tags: _tags,
    scenario: _scenario,
    expectedCompliance: _expected,
    CreationTime,
    LastModifiedTime,
    ...apiFields
  } = notebook;
  return { ...apiFields, CreationTime: timeOf(CreationTime), LastModifiedTime: timeOf(LastModifiedTime) };
}

const listTags: JsonOperation = (input, state) => {
  const violations = new InputViolations();
  const arn = readString(input, 'ResourceArn');
  if (violations.required('resourceArn', arn)) {
    violations.length('resourceArn', arn, 0, 256);
    violations.pattern('resourceArn', arn, SAGEMAKER_ARN_PATTERN);
  }
  const maxResults = readInteger(input, 'MaxResults');
  violations.range('maxResults', maxResults, 50);
  const nextToken = readString(input, 'NextToken');
  violations.throwIfAny();
  // Unconfirmed what ListTags answers for an ARN that matches nothing: modelled like DescribeNotebookInstance.
  const notebook = arn === undefined ? undefined : state.notebookByArn(arn);
  if (notebook === undefined) throw recordNotFound();
  const tags = [...(notebook.Tags ?? [])].sort(byKey((tag) => tag.Key ?? ''));
  const page = paginate(
    tags,
    (tag) => tag.Key ?? '',
    {
      scope: `ListTags ${notebook.NotebookInstanceArn}`,
      token: nextToken,
      limit: maxResults ?? DEFAULT_TAGS_PAGE,
    },
    invalidToken,
  );
  return { Tags: page.items, ...(page.nextToken !== undefined && { NextToken: page.nextToken }) };
};

export const SAGEMAKER_OPERATIONS: Readonly<Record<string, JsonOperation>> = {
  ListNotebookInstances: listNotebookInstances,
  DescribeNotebookInstance: describeNotebookInstance,
  ListTags: listTags,
};
