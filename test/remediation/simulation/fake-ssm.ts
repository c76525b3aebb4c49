/**
 * Systems Manager as the runbook sees it: the documents that exist (by name) and a record of every execution the
 * interpreter runs — its document, parameters, parent, status, each step's status and outputs — answered through
 * GetAutomationExecution and DescribeAutomationStepExecutions, the calls the runbook trusts earlier runs by.
 */
import type { AutomationDocument } from '../../../remediation/index';
import type { JsonObject, JsonValue } from './python-bridge';
import { AwsError } from './world-basics';

export interface StepExecutionRecord {
  readonly StepName: string;
  readonly StepStatus: 'Success' | 'Failed';
  readonly Outputs: Record<string, string[]>;
}

export interface ExecutionRecord {
  readonly id: string;
  readonly documentName: string;
  /** As Systems Manager lists them: each a list of strings. */
  readonly parameters: Record<string, string[]>;
  readonly parentId?: string;
  /** Who started it (unconfirmed what Systems Manager records for a run Config started: tests try both). */
  readonly executedBy?: string;
  status: 'InProgress' | 'Success' | 'Failed' | 'Cancelled';
  readonly steps: StepExecutionRecord[];
  /** The document's declared outputs, `Step.Output` → [value]. */
  outputs: Record<string, string[]>;
}

/** A step output as Systems Manager lists it. */
export function listed(value: JsonValue): string[] {
  return Array.isArray(value)
    ? value.map(String)
    : [typeof value === 'string' ? value : JSON.stringify(value)];
}

export class FakeSsm {
  readonly documents = new Map<string, AutomationDocument>();
  readonly executions = new Map<string, ExecutionRecord>();
  /** Unconfirmed whether an execution's parameters list the ones left at their defaults: tests try both. */
  listsDefaults = false;
  private started = 0;

  newExecutionId(): string {
    this.started += 1;
    return `${String(this.started).padStart(8, '0')}-c0c0-4c0c-8c0c-0c0c0c0c0c0c`;
  }

  handle(operation: string, params: JsonObject): JsonObject {
    // The interpreter runs the child itself; the call is recorded (and can be made to fail) like any other.
    if (operation === 'StartAutomationExecution') return {};
    const execution = this.executions.get(String(params.AutomationExecutionId));
    if (!execution) {
      throw new AwsError(
        'AutomationExecutionNotFoundException',
        `Automation execution ${String(params.AutomationExecutionId)} not found`,
      );
    }
    switch (operation) {
      case 'GetAutomationExecution':
        return {
          AutomationExecution: {
            AutomationExecutionId: execution.id,
            DocumentName: execution.documentName,
            AutomationExecutionStatus: execution.status,
            Parameters: execution.parameters,
            Outputs: execution.outputs,
            ...(execution.parentId ? { ParentAutomationExecutionId: execution.parentId } : {}),
            ...(execution.executedBy ? { ExecutedBy: execution.executedBy } : {}),
          },
        };
      case 'DescribeAutomationStepExecutions':
        return { StepExecutions: execution.steps as unknown as JsonValue[] };
      default:
        throw new AwsError('NotImplemented', `ssm ${operation} is not faked`);
    }
  }
}
