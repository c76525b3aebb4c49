/**
 * Small constructors that keep the step list readable and uniform: every script step declares its outputs
 * once (selector `$.Payload.<name>`), every notebook status wait/assert reads the same property.
 */
import { embeddedScript, type ScriptFile } from './scripts';
import type {
  AssertPropertyStep,
  BranchStep,
  Choice,
  ExecuteAwsApiStep,
  ExecuteScriptStep,
  FailureTarget,
  InputValue,
  WaitForPropertyStep,
} from './types';

export type NotebookStatus =
  | 'Pending'
  | 'InService'
  | 'Stopping'
  | 'Stopped'
  | 'Failed'
  | 'Deleting'
  | 'Updating';

interface FlowOptions {
  readonly description?: string;
  readonly onFailure?: FailureTarget;
  readonly onCancel?: 'Abort' | `step:${string}`;
  readonly nextStep?: string;
  readonly isEnd?: boolean;
  readonly timeoutSeconds?: number;
  readonly maxAttempts?: number;
}

/** `{{ Step.Output }}`. */
export function output(step: string, name: string): string {
  return `{{ ${step}.${name} }}`;
}

export function script(
  name: string,
  file: ScriptFile,
  payload: { readonly [key: string]: InputValue },
  outputs: readonly string[],
  options: FlowOptions = {},
): ExecuteScriptStep {
  return {
    name,
    action: 'aws:executeScript',
    ...options,
    inputs: {
      Runtime: 'python3.11',
      Handler: 'handler',
      Script: embeddedScript(file),
      InputPayload: payload,
    },
    ...(outputs.length > 0
      ? {
          outputs: outputs.map((output) => ({
            Name: output,
            Selector: `$.Payload.${output}`,
            Type: 'String',
          })),
        }
      : {}),
  };
}

export function sagemakerCall(
  name: string,
  api: string,
  parameters: { readonly [key: string]: InputValue },
  options: FlowOptions = {},
): ExecuteAwsApiStep {
  return {
    name,
    action: 'aws:executeAwsApi',
    ...options,
    inputs: { Service: 'sagemaker', Api: api, ...parameters },
  };
}

function statusInputs(notebookName: string, statuses: readonly NotebookStatus[]) {
  return {
    Service: 'sagemaker',
    Api: 'DescribeNotebookInstance',
    NotebookInstanceName: notebookName,
    PropertySelector: '$.NotebookInstanceStatus',
    DesiredValues: statuses,
  } as const;
}

/** Waits for a status; Failed is always accepted so a failure surfaces at once, not at the timeout. */
export function waitForStatus(
  name: string,
  notebookName: string,
  statuses: readonly NotebookStatus[],
  timeoutSeconds: number,
  options: FlowOptions = {},
): WaitForPropertyStep {
  return {
    name,
    action: 'aws:waitForAwsResourceProperty',
    timeoutSeconds,
    ...options,
    inputs: statusInputs(notebookName, statuses),
  };
}

export function assertStatus(
  name: string,
  notebookName: string,
  statuses: readonly NotebookStatus[],
  options: FlowOptions = {},
): AssertPropertyStep {
  return {
    name,
    action: 'aws:assertAwsResourceProperty',
    ...options,
    inputs: statusInputs(notebookName, statuses),
  };
}

export function branch(name: string, choices: readonly Choice[], defaultStep: string): BranchStep {
  return { name, action: 'aws:branch', inputs: { Choices: choices, Default: defaultStep } };
}

export function equals(
  variable: string,
  value: string,
): { readonly Variable: string; readonly StringEquals: string } {
  return { Variable: variable, StringEquals: value };
}
