/**
 * The fake account's mutable state: a deep copy of an Inventory that operations read and PutEvaluations
 * writes. Tests reach in through it to change the world mid-run (delete a notebook, break a subnet) and
 * to read what Config received.
 */

import type { ComplianceType } from '@aws-sdk/client-config-service';
import type { RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import { InjectedFailures } from './injected-failures';
import type { DiscoveredResource, Inventory, InventoryNotebook } from './inventory.js';
import { SecurityHubState } from './security-hub-state.js';

export const NOTEBOOK_RESOURCE_TYPE = 'AWS::SageMaker::NotebookInstance';
export const DEFAULT_CONFIG_RULE_NAME = 'sagemaker-notebook-vpc-guard';
/** When an inventory's prior evaluation gives no time: well before any run. */
const PRIOR_EVALUATION_TIME = '2026-01-01T00:00:00.000Z';

/** A result Config holds (what GetComplianceDetailsByConfigRule serves). Times in epoch seconds. */
export interface StoredEvaluation {
  readonly configRuleName: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly annotation?: string;
  readonly orderingTimestamp: number;
  readonly resultRecordedTime: number;
}

/** One evaluation as PutEvaluations received it, and what became of it. */
export interface SubmittedEvaluation {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: string;
  readonly annotation?: string;
  readonly orderingTimestamp: number;
  readonly outcome: 'stored' | 'test-mode' | 'failed';
}

export interface FakeAwsStateOptions {
  /** The clock for recorded times; defaults to the real one. */
  readonly now?: () => Date;
}

export class FakeAwsState {
  readonly accountId: string;
  readonly region: string;
  /** The rule PutEvaluations results are stored under (Config derives it from the result token). */
  readonly configRuleName: string;
  subnets: Subnet[];
  routeTables: RouteTable[];
  securityGroups: SecurityGroup[];
  /** undefined = Config refuses ListDiscoveredResources/GetResourceConfigHistory for the resource type. */
  discoveredResources: DiscoveredResource[] | undefined;
  /** Every evaluation PutEvaluations received, in order. */
  readonly submissions: SubmittedEvaluation[] = [];
  /** Security Hub: enabled or not, and the findings BatchImportFindings received. */
  readonly securityHub = new SecurityHubState();
  readonly now: () => Date;
  private readonly notebooksByName = new Map<string, InventoryNotebook>();
  private readonly notebooksByLowercaseArn = new Map<string, InventoryNotebook>();
  private readonly evaluations = new Map<string, StoredEvaluation>();
  private readonly injectedFailures = new InjectedFailures();

  constructor(inventory: Inventory, options: FakeAwsStateOptions = {}) {
    const copy = structuredClone(inventory);
    this.accountId = copy.accountId;
    this.region = copy.region;
    this.configRuleName = copy.configRuleName ?? DEFAULT_CONFIG_RULE_NAME;
    this.subnets = [...copy.subnets];
    this.routeTables = [...copy.routeTables];
    this.securityGroups = [...copy.securityGroups];
    this.discoveredResources = copy.discoveredResources && [...copy.discoveredResources];
    this.now = options.now ?? (() => new Date());
    for (const notebook of copy.notebooks) this.putNotebook(notebook);
    for (const prior of copy.priorEvaluations ?? []) {
      this.storeEvaluation({
        configRuleName: prior.configRuleName,
        resourceType: prior.resourceType ?? NOTEBOOK_RESOURCE_TYPE,
        resourceId: prior.resourceId,
        complianceType: prior.complianceType,
        ...(prior.annotation !== undefined && { annotation: prior.annotation }),
        orderingTimestamp: epochSeconds(prior.orderingTimestamp ?? PRIOR_EVALUATION_TIME),
        resultRecordedTime: epochSeconds(prior.resultRecordedTime ?? PRIOR_EVALUATION_TIME),
      });
    }
  }

  /** Notebooks in name order (SageMaker's default listing order). */
  notebooks(): InventoryNotebook[] {
    return [...this.notebooksByName.values()].sort((a, b) =>
      a.NotebookInstanceName < b.NotebookInstanceName ? -1 : 1,
    );
  }

  /** Exact-name lookup: whether SageMaker matches names case-insensitively is unconfirmed, so be strict. */
  notebook(name: string): InventoryNotebook | undefined {
    return this.notebooksByName.get(name);
  }

  /** ARNs carry the lowercased name, so compare ARNs case-insensitively. */
  notebookByArn(arn: string): InventoryNotebook | undefined {
    return this.notebooksByLowercaseArn.get(arn.toLowerCase());
  }

  putNotebook(notebook: InventoryNotebook): void {
    this.deleteNotebook(notebook.NotebookInstanceName);
    this.notebooksByName.set(notebook.NotebookInstanceName, notebook);
    this.notebooksByLowercaseArn.set(notebook.NotebookInstanceArn.toLowerCase(), notebook);
  }

  deleteNotebook(name: string): boolean {
    const notebook = this.notebooksByName.get(name);
    if (notebook === undefined) return false;
    this.notebooksByName.delete(name);
    this.notebooksByLowercaseArn.delete(notebook.NotebookInstanceArn.toLowerCase());
    return true;
  }

  /** Rules Config knows: the one this state records for, and any with results already. */
  knowsRule(configRuleName: string): boolean {
    if (configRuleName === this.configRuleName) return true;
    for (const stored of this.evaluations.values()) if (stored.configRuleName === configRuleName) return true;
    return false;
  }

  storedEvaluations(configRuleName = this.configRuleName): StoredEvaluation[] {
    return [...this.evaluations.values()].filter((stored) => stored.configRuleName === configRuleName);
  }

  storedEvaluation(resourceId: string, configRuleName = this.configRuleName): StoredEvaluation | undefined {
    return this.storedEvaluations(configRuleName).find((stored) => stored.resourceId === resourceId);
  }

  /** Last write wins: whether Config keeps an older OrderingTimestamp over a newer one is not documented. */
  storeEvaluation(evaluation: StoredEvaluation): void {
    const key = [evaluation.configRuleName, evaluation.resourceType, evaluation.resourceId].join('\u0000');
    this.evaluations.set(key, evaluation);
  }

  /** The next `times` PutEvaluations that include this resource id report it in FailedEvaluations. */
  failEvaluationsFor(resourceId: string, times = Number.POSITIVE_INFINITY): void {
    this.injectedFailures.add(resourceId, times);
  }

  /** Consumes one injected failure for the resource, if any is pending. */
  takeEvaluationFailure(resourceId: string): boolean {
    return this.injectedFailures.take(resourceId);
  }

  /** How many times each resource's evaluation was stored: "delivered exactly once" means all 1. */
  deliveriesByResource(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const submission of this.submissions) {
      if (submission.outcome === 'stored') {
        counts.set(submission.resourceId, (counts.get(submission.resourceId) ?? 0) + 1);
      }
    }
    return counts;
  }
}

export function epochSeconds(iso: string): number {
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) throw new Error(`Not an ISO timestamp: ${JSON.stringify(iso)}`);
  return millis / 1000;
}
