/**
 * Runs an Automation document step by step the way SSM does: parameters with defaults and validation,
 * `{{ references }}`, aws:branch, nextStep/isEnd, maxAttempts, onFailure/onCancel, isCritical (a failed
 * step makes the execution Failed even when its onFailure path completes), wait timeouts and script
 * timeouts on a virtual clock, and aws:executeAutomation (the named document from the fake SSM, run as a child
 * execution). Native API steps call the fake directly; script steps run their shipped Python through the bridge.
 * Every execution is recorded in the fake SSM as Systems Manager records it. `inject` makes a chosen step
 * fail, for fault-injection tests.
 */
import type {
  Condition,
  ExecuteAutomationStep,
  ExecuteScriptStep,
  Step,
  StepOutput,
} from '../../../remediation/index';
import { type AutomationDocument, isApiStep } from '../../../remediation/index';
import type { FakeAws } from './fake-aws';
import { type ExecutionRecord, listed } from './fake-ssm';
import type { JsonObject, JsonValue, PythonBridge, ScriptHost } from './python-bridge';
import { ACCOUNT, AwsError, REGION } from './world-basics';

export type ParameterValues = Readonly<Record<string, string | readonly string[]>>;

export interface RunOptions {
  readonly parameters: ParameterValues;
  readonly executionId: string;
  /** The name Systems Manager knows the document by (default: the runbook's). */
  readonly documentName?: string;
  /** Set for a child execution (aws:executeAutomation). */
  readonly parentExecutionId?: string;
  /** Who started it, as Systems Manager records it (ExecutedBy): by default a person's role session; '' = not recorded. */
  readonly executedBy?: string;
  /** The step that fails (every attempt, before doing anything) in a fault-injection run. */
  readonly injectFailureAt?: string;
  /** The step at which the user cancels the execution. */
  readonly cancelAt?: string;
}

export interface StepRecord {
  readonly name: string;
  readonly status: 'Success' | 'Failed';
  readonly attempts: number;
  readonly error?: string;
}

export interface Execution {
  readonly status: 'Success' | 'Failed' | 'Cancelled';
  readonly steps: readonly StepRecord[];
  readonly outputs: ReadonlyMap<string, JsonValue>;
  readonly failure?: string;
}

const WAIT_POLL_SECONDS = 20;
/** A person who starts the runbook by hand. */
export const OPERATOR = `arn:aws:sts::${ACCOUNT}:assumed-role/PlatformAdmin/jane`;
/** AWS Config's remediation (automatic, or the console's Remediate) starts runs as its service-linked role. */
export const CONFIG_REMEDIATION = `arn:aws:sts::${ACCOUNT}:assumed-role/AWSServiceRoleForConfigRemediation/ConfigRemediation`;
export const RUNBOOK_NAME = 'sagemaker-notebook-vpc-guard';
/** aws:executeAutomation's outputs, predefined (a step declares none). */
const CHILD_OUTPUTS = ['ExecutionId', 'Status'] as const;
const MAX_STEP_EXECUTIONS = 300;
const REFERENCE = /\{\{\s*([\w:.]+)\s*\}\}/g;

class StepFailure extends Error {}

export class Interpreter {
  constructor(
    private readonly document: AutomationDocument,
    private readonly aws: FakeAws,
    private readonly python: PythonBridge,
  ) {}

  async run(options: RunOptions): Promise<Execution> {
    const resolvedParameters = this.parameterValues(options.parameters);
    const values = new Map<string, JsonValue>(Object.entries(resolvedParameters));
    values.set('automation:EXECUTION_ID', options.executionId);
    values.set('global:REGION', REGION);
    values.set('global:ACCOUNT_ID', ACCOUNT);
    const recorded = this.aws.ssm.listsDefaults ? resolvedParameters : options.parameters;
    const record: ExecutionRecord = {
      id: options.executionId,
      documentName: options.documentName ?? RUNBOOK_NAME,
      // Its model allows no empty value: a parameter left empty is not listed.
      parameters: Object.fromEntries(
        Object.entries(recorded).flatMap(([name, value]) => {
          const values = listed(value as JsonValue).filter((item) => item !== '');
          return values.length > 0 ? [[name, values]] : [];
        }),
      ),
      ...(options.parentExecutionId ? { parentId: options.parentExecutionId } : {}),
      executedBy: options.executedBy ?? OPERATOR,
      status: 'InProgress',
      steps: [],
      outputs: {},
    };
    this.aws.ssm.executions.set(record.id, record);
    const execution = await this.steps(options, values, record);
    record.status = execution.status;
    for (const name of this.document.outputs) {
      const value = values.get(name);
      if (value !== undefined) record.outputs[name] = listed(value);
    }
    return execution;
  }

  private async steps(
    options: RunOptions,
    values: Map<string, JsonValue>,
    record: ExecutionRecord,
  ): Promise<Execution> {
    const steps: StepRecord[] = [];
    let failure: string | undefined;
    let index = 0;
    while (index < this.document.mainSteps.length) {
      if (steps.length >= MAX_STEP_EXECUTIONS) throw new Error('the document loops');
      const step = this.document.mainSteps[index] as Step;
      if (step.name === options.cancelAt) {
        if (!step.onCancel || step.onCancel === 'Abort')
          return { status: 'Cancelled', steps, outputs: values };
        failure ??= `cancelled at ${step.name}`;
        index = this.indexOf(step.onCancel.slice('step:'.length));
        continue;
      }
      const stepRecord = await this.execute(step, values, options.injectFailureAt === step.name);
      steps.push(stepRecord);
      record.steps.push({
        StepName: step.name,
        StepStatus: stepRecord.status,
        Outputs: Object.fromEntries(
          this.outputNames(step).flatMap((name) => {
            const value = values.get(`${step.name}.${name}`);
            return stepRecord.status === 'Success' && value !== undefined ? [[name, listed(value)]] : [];
          }),
        ),
      });
      if (stepRecord.status === 'Failed') {
        failure ??= `${step.name}: ${stepRecord.error}`;
        const onFailure = step.onFailure ?? 'Abort';
        if (onFailure === 'Abort') return { status: 'Failed', steps, outputs: values, failure };
        index = onFailure === 'Continue' ? index + 1 : this.indexOf(onFailure.slice('step:'.length));
        continue;
      }
      if (step.isEnd) break;
      const next = step.action === 'aws:branch' ? this.choose(step.inputs, values) : step.nextStep;
      index = next === undefined ? index + 1 : this.indexOf(next);
    }
    return failure
      ? { status: 'Failed', steps, outputs: values, failure }
      : { status: 'Success', steps, outputs: values };
  }

  private outputNames(step: Step): readonly string[] {
    return step.action === 'aws:executeAutomation'
      ? CHILD_OUTPUTS
      : (step.outputs ?? []).map((output) => output.Name);
  }

  private parameterValues(given: ParameterValues): Record<string, JsonValue> {
    const values: Record<string, JsonValue> = {};
    for (const [name, definition] of Object.entries(this.document.parameters)) {
      const value = given[name] ?? definition.default;
      if (value === undefined) throw new Error(`missing required parameter ${name}`);
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        const text = String(item);
        if (definition.allowedPattern && !new RegExp(definition.allowedPattern).test(text)) {
          throw new Error(`parameter ${name}: ${text} does not match ${definition.allowedPattern}`);
        }
        if (definition.allowedValues && !definition.allowedValues.includes(text)) {
          throw new Error(`parameter ${name}: ${text} is not allowed`);
        }
      }
      values[name] = Array.isArray(value) ? [...value] : (value as JsonValue);
    }
    return values;
  }

  private indexOf(name: string): number {
    const index = this.document.mainSteps.findIndex((step) => step.name === name);
    if (index < 0) throw new Error(`no step ${name}`);
    return index;
  }

  private resolve(value: unknown, values: ReadonlyMap<string, JsonValue>): JsonValue {
    if (typeof value === 'string') {
      const whole = /^\{\{\s*([\w:.]+)\s*\}\}$/.exec(value);
      const lookup = (name: string): JsonValue => {
        if (!values.has(name)) throw new StepFailure(`unresolved reference {{ ${name} }}`);
        return values.get(name) as JsonValue;
      };
      if (whole?.[1]) return lookup(whole[1]);
      return value.replace(REFERENCE, (_match, name: string) => String(lookup(name)));
    }
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, values));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.resolve(item, values)]),
      );
    }
    return value as JsonValue;
  }

  private matches(condition: Condition, values: ReadonlyMap<string, JsonValue>): boolean {
    if ('And' in condition) return condition.And.every((part) => this.matches(part, values));
    if ('Or' in condition) return condition.Or.some((part) => this.matches(part, values));
    if ('Not' in condition) return !this.matches(condition.Not[0], values);
    return String(this.resolve(condition.Variable, values)) === condition.StringEquals;
  }

  private choose(
    inputs: { Choices: readonly (Condition & { NextStep: string })[]; Default?: string },
    values: ReadonlyMap<string, JsonValue>,
  ): string | undefined {
    return inputs.Choices.find((choice) => this.matches(choice, values))?.NextStep ?? inputs.Default;
  }

  private async execute(step: Step, values: Map<string, JsonValue>, injected: boolean): Promise<StepRecord> {
    const attempts = step.maxAttempts ?? 1;
    let error = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        if (injected) throw new StepFailure(`injected failure at ${step.name}`);
        const result = await this.attempt(step, values);
        for (const output of step.outputs ?? [])
          values.set(`${step.name}.${output.Name}`, select(result, output));
        if (step.action === 'aws:executeAutomation')
          for (const name of CHILD_OUTPUTS) values.set(`${step.name}.${name}`, result[name] as JsonValue);
        return { name: step.name, status: 'Success', attempts: attempt };
      } catch (caught) {
        if (!(caught instanceof StepFailure || caught instanceof AwsError)) throw caught;
        error = caught.message;
      }
    }
    return { name: step.name, status: 'Failed', attempts, error };
  }

  private async attempt(step: Step, values: ReadonlyMap<string, JsonValue>): Promise<JsonObject> {
    if (step.action === 'aws:branch') return {};
    if (step.action === 'aws:sleep') {
      this.aws.clock.advance(1);
      return {};
    }
    if (step.action === 'aws:executeScript') return this.script(step, values);
    if (step.action === 'aws:executeAutomation') return this.child(step, values);
    if (!isApiStep(step)) throw new Error(`unsupported action in ${JSON.stringify(step)}`);
    const { Service, Api, PropertySelector, DesiredValues, ...parameters } =
      step.inputs as typeof step.inputs & {
        PropertySelector?: string;
        DesiredValues?: readonly string[];
      };
    const call = () => this.aws.call(Service, Api, this.resolve(parameters, values) as JsonObject);
    this.aws.clock.advance(1);
    if (step.action === 'aws:executeAwsApi') return call();
    const desired = (DesiredValues ?? []).map(String);
    const deadline = this.aws.clock.now + (step.timeoutSeconds ?? 3600);
    for (;;) {
      const actual = String(selectPath(call(), PropertySelector ?? '$'));
      if (desired.includes(actual)) return {};
      if (step.action === 'aws:assertAwsResourceProperty')
        throw new StepFailure(`${actual} is not ${desired.join('|')}`);
      if (this.aws.clock.now + WAIT_POLL_SECONDS > deadline)
        throw new StepFailure(`timed out waiting: ${actual}`);
      this.aws.clock.advance(WAIT_POLL_SECONDS);
    }
  }

  /** The secondary automation, run to its end; the step fails unless it succeeded. */
  private async child(
    step: ExecuteAutomationStep,
    values: ReadonlyMap<string, JsonValue>,
  ): Promise<JsonObject> {
    const parameters = this.resolve(step.inputs.RuntimeParameters, values) as ParameterValues;
    this.aws.call('ssm', 'StartAutomationExecution', {
      DocumentName: step.inputs.DocumentName,
      Parameters: parameters as JsonObject,
    });
    const document = this.aws.ssm.documents.get(step.inputs.DocumentName);
    if (!document) throw new StepFailure(`document ${step.inputs.DocumentName} does not exist`);
    const executionId = this.aws.ssm.newExecutionId();
    const child = await new Interpreter(document, this.aws, this.python).run({
      parameters,
      executionId,
      documentName: step.inputs.DocumentName,
      parentExecutionId: String(values.get('automation:EXECUTION_ID')),
      executedBy:
        this.aws.ssm.executions.get(String(values.get('automation:EXECUTION_ID')))?.executedBy ?? OPERATOR,
    });
    if (child.status !== 'Success') throw new StepFailure(`${executionId} ${child.status}: ${child.failure}`);
    return { ExecutionId: executionId, Status: child.status };
  }

  private async script(step: ExecuteScriptStep, values: ReadonlyMap<string, JsonValue>): Promise<JsonObject> {
    const aws = this.aws;
    const host: ScriptHost = {
      call(service, operation, params) {
        try {
          return { ok: true, body: aws.call(service, operation, params) };
        } catch (error) {
          if (!(error instanceof AwsError)) throw error;
          return { ok: false, status: error.status, error: { Code: error.code, Message: error.message } };
        }
      },
      sleep(seconds) {
        aws.clock.advance(seconds);
        return aws.clock.now;
      },
      now: () => aws.clock.now,
    };
    this.aws.clock.advance(2);
    const outcome = await this.python.run(
      {
        name: step.name,
        script: step.inputs.Script,
        handler: step.inputs.Handler,
        payload: this.resolve(step.inputs.InputPayload, values) as JsonObject,
        now: this.aws.clock.now,
        timeoutAt: this.aws.clock.now + (step.timeoutSeconds ?? 600),
      },
      host,
    );
    if (!outcome.ok) throw new StepFailure(outcome.error);
    return { Payload: outcome.result };
  }
}

function selectPath(value: JsonValue, selector: string): JsonValue {
  let current: JsonValue = value;
  for (const part of selector
    .replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean)) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !(part in current)) {
      throw new StepFailure(`selector ${selector} matches nothing`);
    }
    current = current[part] as JsonValue;
  }
  return current;
}

/** Output selection with SSM's type check: a String output must select a string. */
function select(result: JsonObject, output: StepOutput): JsonValue {
  const value = selectPath(result, output.Selector);
  const ok =
    output.Type === 'String'
      ? typeof value === 'string'
      : output.Type === 'StringList'
        ? Array.isArray(value)
        : true;
  if (!ok) throw new StepFailure(`output ${output.Name} is not a ${output.Type}: ${JSON.stringify(value)}`);
  return value;
}
