/**
 * Runs an Automation document step by step the way SSM does: parameters with defaults and validation,
 * `{{ references }}`, aws:branch, nextStep/isEnd, maxAttempts, onFailure/onCancel, isCritical (a failed
 * step makes the execution Failed even when its onFailure path completes), wait timeouts and script
 * timeouts on a virtual clock. Native API steps call the fake directly; script steps run their shipped
 * Python through the bridge. `inject` makes a chosen step fail, for fault-injection tests.
 */
import type { Condition, ExecuteScriptStep, Step, StepOutput } from '../../../remediation/index';
import { type AutomationDocument, isApiStep } from '../../../remediation/index';
import type { FakeAws } from './fake-aws';
import type { JsonObject, JsonValue, PythonBridge, ScriptHost } from './python-bridge';
import { ACCOUNT, AwsError, REGION } from './world-basics';

export type ParameterValues = Readonly<Record<string, string | readonly string[]>>;

export interface RunOptions {
  readonly parameters: ParameterValues;
  readonly executionId: string;
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
    const values = new Map<string, JsonValue>(Object.entries(this.parameterValues(options.parameters)));
    values.set('automation:EXECUTION_ID', options.executionId);
    values.set('global:REGION', REGION);
    values.set('global:ACCOUNT_ID', ACCOUNT);
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
      const record = await this.execute(step, values, options.injectFailureAt === step.name);
      steps.push(record);
      if (record.status === 'Failed') {
        failure ??= `${step.name}: ${record.error}`;
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
