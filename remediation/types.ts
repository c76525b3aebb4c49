/**
 * SSM Automation document (schemaVersion 0.3) as typed data: only the actions and options this runbook
 * uses, so the compiler rejects a step that SSM would reject for a misspelled key.
 */

export type ParameterType = 'String' | 'StringList' | 'Integer' | 'Boolean';

export interface ParameterDefinition {
  readonly type: ParameterType;
  readonly description: string;
  readonly default?: string | number | boolean | readonly string[];
  readonly allowedValues?: readonly string[];
  readonly allowedPattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A value passed to an action input: literal or `{{ reference }}` strings, lists and maps of them. */
export type InputValue =
  | string
  | number
  | boolean
  | readonly InputValue[]
  | { readonly [key: string]: InputValue };

export type OutputType = 'String' | 'StringList' | 'Integer' | 'Boolean' | 'StringMap' | 'MapList';

export interface StepOutput {
  readonly Name: string;
  readonly Selector: string;
  readonly Type: OutputType;
}

/** `Abort`, `Continue` or `step:<name>`. */
export type FailureTarget = 'Abort' | 'Continue' | `step:${string}`;

interface StepBase {
  readonly name: string;
  /** Only where the name does not say it all: the whole document must stay under SSM's 64 KB. */
  readonly description?: string;
  readonly timeoutSeconds?: number;
  readonly maxAttempts?: number;
  readonly onFailure?: FailureTarget;
  readonly onCancel?: 'Abort' | `step:${string}`;
  readonly nextStep?: string;
  readonly isEnd?: boolean;
  readonly outputs?: readonly StepOutput[];
}

/** boto3 service names this runbook calls natively. */
export type AwsService = 'sagemaker' | 'ec2';

export type ApiInputs = { readonly Service: AwsService; readonly Api: string } & {
  readonly [parameter: string]: InputValue;
};

export interface ExecuteAwsApiStep extends StepBase {
  readonly action: 'aws:executeAwsApi';
  readonly inputs: ApiInputs;
}

export type PropertyInputs = ApiInputs & {
  readonly PropertySelector: string;
  readonly DesiredValues: readonly string[];
};

export interface WaitForPropertyStep extends StepBase {
  readonly action: 'aws:waitForAwsResourceProperty';
  readonly inputs: PropertyInputs;
}

export interface AssertPropertyStep extends StepBase {
  readonly action: 'aws:assertAwsResourceProperty';
  readonly inputs: PropertyInputs;
}

export type Condition =
  | { readonly Variable: string; readonly StringEquals: string }
  | { readonly And: readonly Condition[] }
  | { readonly Or: readonly Condition[] }
  | { readonly Not: readonly [Condition] };

export type Choice = Condition & { readonly NextStep: string };

export interface BranchStep extends StepBase {
  readonly action: 'aws:branch';
  readonly inputs: { readonly Choices: readonly Choice[]; readonly Default?: string };
}

export interface ExecuteScriptStep extends StepBase {
  readonly action: 'aws:executeScript';
  readonly inputs: {
    readonly Runtime: 'python3.11';
    readonly Handler: string;
    readonly Script: string;
    readonly InputPayload: { readonly [key: string]: InputValue };
  };
}

/** Runs another Automation document; its outputs ExecutionId and Status are predefined (not declared). */
export interface ExecuteAutomationStep extends StepBase {
  readonly action: 'aws:executeAutomation';
  readonly inputs: {
    readonly DocumentName: string;
    readonly RuntimeParameters: { readonly [name: string]: InputValue };
  };
}

export interface SleepStep extends StepBase {
  readonly action: 'aws:sleep';
  readonly inputs: { readonly Duration: string };
}

export type Step =
  | ExecuteAwsApiStep
  | WaitForPropertyStep
  | AssertPropertyStep
  | BranchStep
  | ExecuteScriptStep
  | ExecuteAutomationStep
  | SleepStep;

/** Steps that call one AWS API operation natively (their Service/Api are checked against the SDK). */
export type ApiStep = ExecuteAwsApiStep | WaitForPropertyStep | AssertPropertyStep;

export interface AutomationDocument {
  readonly schemaVersion: '0.3';
  readonly description: string;
  readonly assumeRole: string;
  readonly parameters: { readonly [name: string]: ParameterDefinition };
  readonly mainSteps: readonly Step[];
  readonly outputs: readonly string[];
}

export function isApiStep(step: Step): step is ApiStep {
  return (
    step.action === 'aws:executeAwsApi' ||
    step.action === 'aws:waitForAwsResourceProperty' ||
    step.action === 'aws:assertAwsResourceProperty'
  );
}
