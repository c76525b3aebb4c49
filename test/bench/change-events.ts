/**
 * Change event cost: the built bundle in one child process handles several change events in a row (the
 * first cold, the rest warm) against the fake endpoint; the request log is split per event and counted
 * per operation.
 */

import { type Inventory, type LoggedRequest, toNotebookConfiguration } from '../../offline/index';
import { loadExampleAccount } from '../../rule/examples/index';
import { startFakeAws } from '../fake-aws/index';
import { invokeBundle } from '../fake-aws/invoke-bundle';
import { changeEvent, notificationItem } from '../fixtures/events';
import { counts, heading, table } from './format';

export const EC2_LOOKUPS = ['DescribeSubnets', 'DescribeRouteTables', 'DescribeSecurityGroups'] as const;

export interface ChangeEventCase {
  /** What the event shows, e.g. "cold" or "warm, same subnet and groups". */
  readonly label: string;
  /** A notebook of the account, by name. */
  readonly notebook: string;
  /** Which target of the issue the event checks, if any. */
  readonly target?: 'cold' | 'warm';
}

/**
 * In the example account, churn-analysis and DataScience-Team-Lab share a subnet and security group;
 * fraud-model-training sits in another subnet of the same VPC with the same group.
 */
export const EXAMPLE_CASES: readonly ChangeEventCase[] = [
  { label: 'cold (first event after init)', notebook: 'churn-analysis', target: 'cold' },
  { label: 'warm, same subnet and groups', notebook: 'DataScience-Team-Lab', target: 'warm' },
  { label: 'warm, other subnet, same VPC and groups', notebook: 'fraud-model-training' },
];

export interface ChangeEventFigures {
  readonly label: string;
  readonly target?: 'cold' | 'warm';
  readonly resourceId: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly callsByOperation: Readonly<Record<string, number>>;
  readonly calls: number;
  readonly ec2Lookups: number;
  readonly putEvaluations: number;
}

export async function measureChangeEvents(
  cases: readonly ChangeEventCase[] = EXAMPLE_CASES,
  inventory: Inventory = loadExampleAccount(),
): Promise<ChangeEventFigures[]> {
  assertWarmCasesReuseNetwork(cases, inventory);
  const events = cases.map((entry) => changeEventFor(inventory, entry.notebook));
  const server = await startFakeAws({ inventory });
  try {
    const run = await invokeBundle(
      server,
      events.map(({ event }) => event),
    );
    const perEvent = splitByEvent(
      server.requests.entries,
      events.map(({ resourceId }) => resourceId),
    );
    return cases.map((entry, index) => {
      const requests = perEvent[index] ?? [];
      const callsByOperation = countByOperation(requests);
      const result = run.results[index];
      return {
        label: entry.label,
        ...(entry.target && { target: entry.target }),
        resourceId: events[index]?.resourceId ?? '',
        ok: result?.ok ?? false,
        durationMs: result?.durationMs ?? Number.NaN,
        callsByOperation,
        calls: requests.length,
        ec2Lookups: EC2_LOOKUPS.reduce((sum, operation) => sum + (callsByOperation[operation] ?? 0), 0),
        putEvaluations: callsByOperation.PutEvaluations ?? 0,
      };
    });
  } finally {
    await server.close();
  }
}

/** A "warm" case only shows the cache if an earlier event needed the same subnet and security groups. */
function assertWarmCasesReuseNetwork(cases: readonly ChangeEventCase[], inventory: Inventory): void {
  const network = (name: string) => {
    const notebook = inventory.notebooks.find((candidate) => candidate.NotebookInstanceName === name);
    return JSON.stringify([notebook?.SubnetId, [...(notebook?.SecurityGroups ?? [])].sort()]);
  };
  cases.forEach((entry, index) => {
    if (entry.target !== 'warm') return;
    const earlier = cases.slice(0, index).map((previous) => network(previous.notebook));
    if (!earlier.includes(network(entry.notebook)))
      throw new Error(`warm case ${entry.notebook} shares no subnet and groups with an earlier event`);
  });
}

/** A ConfigurationItemChangeNotification for one notebook of the account, as Config would send it. */
function changeEventFor(inventory: Inventory, name: string) {
  const notebook = inventory.notebooks.find((candidate) => candidate.NotebookInstanceName === name);
  if (!notebook) throw new Error(`the account has no notebook ${name}`);
  const resourceId =
    inventory.discoveredResources?.find((resource) => resource.resourceName === name)?.resourceId ??
    notebook.NotebookInstanceArn;
  const item = notificationItem({
    top: {
      configuration: toNotebookConfiguration(notebook, resourceId),
      resourceId,
      resourceName: name,
      ARN: notebook.NotebookInstanceArn,
      tags: Object.fromEntries((notebook.Tags ?? []).map(({ Key, Value }) => [Key, Value])),
    },
  });
  return {
    resourceId,
    event: changeEvent(item, { ruleParameters: inventory.ruleParameters ?? {} }),
  };
}

/**
 * Events run one after another in the child, and each ends by delivering its evaluation: an event's calls
 * are those after the previous event's last PutEvaluations, up to and including its own last one.
 */
export function splitByEvent(
  requests: readonly LoggedRequest[],
  resourceIds: readonly string[],
): LoggedRequest[][] {
  if (new Set(resourceIds).size !== resourceIds.length)
    throw new Error('events must be for distinct resources');
  let start = 0;
  return resourceIds.map((resourceId) => {
    const end = requests.findLastIndex(
      (request) => request.operation === 'PutEvaluations' && evaluatedIds(request).includes(resourceId),
    );
    if (end < start) throw new Error(`no PutEvaluations for ${resourceId} after the previous event's`);
    const slice = requests.slice(start, end + 1);
    start = end + 1;
    return slice;
  });
}

function evaluatedIds(request: LoggedRequest): string[] {
  const evaluations = request.input.Evaluations;
  if (!Array.isArray(evaluations)) return [];
  return evaluations.flatMap((evaluation) =>
    evaluation !== null && typeof evaluation === 'object' && !Array.isArray(evaluation)
      ? [String(evaluation.ComplianceResourceId)]
      : [],
  );
}

function countByOperation(requests: readonly LoggedRequest[]): Record<string, number> {
  const byOperation: Record<string, number> = {};
  for (const { operation } of requests) byOperation[operation] = (byOperation[operation] ?? 0) + 1;
  return byOperation;
}

export function reportChangeEvents(figures: readonly ChangeEventFigures[]): string {
  return [
    heading('Change event cost: AWS calls per ConfigurationItemChangeNotification'),
    'One child process runs the built bundle on the events in order against the fake endpoint (example account).',
    '',
    table(
      ['event', 'ok', 'calls', 'PutEvaluations', 'EC2 lookups', 'handler time', 'calls by operation'],
      figures.map((figure) => [
        figure.label,
        figure.ok ? 'yes' : 'NO',
        String(figure.calls),
        String(figure.putEvaluations),
        String(figure.ec2Lookups),
        `${figure.durationMs.toFixed(0)} ms`,
        counts(figure.callsByOperation),
      ]),
    ),
  ].join('\n');
}
