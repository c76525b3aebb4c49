/**
 * Checks an aws:executeAwsApi / wait / assert step's Service, Api and parameter names against the operation
 * models shipped in the installed AWS SDK (v3 clients export `<Op>$` = [9, namespace, name, traits,
 * () => input, () => output] and the input as [3, namespace, name, traits, members, memberSchemas,
 * requiredCount?], the required members first). An internal format: pinned SDK, tested checker.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import * as sagemaker from '@aws-sdk/client-sagemaker';

const CLIENTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = { sagemaker, ec2 };
/** Inputs of property steps that SSM consumes itself; they are not API parameters. */
const STEP_KEYS = new Set(['Service', 'Api', 'PropertySelector', 'DesiredValues']);

export interface OperationInput {
  readonly members: readonly string[];
  readonly required: readonly string[];
}

function isStructureSchema(
  value: unknown,
): value is [3, string, string, unknown, string[], unknown[], number?] {
  return Array.isArray(value) && value[0] === 3 && Array.isArray(value[4]);
}

/** The input members of `Service`/`Api`, or undefined when the SDK knows no such operation. */
export function operationInput(service: string, api: string): OperationInput | undefined {
  const operation = CLIENTS[service]?.[`${api}$`];
  if (!Array.isArray(operation) || operation[0] !== 9 || typeof operation[4] !== 'function') return undefined;
  const input: unknown = (operation[4] as () => unknown)();
  if (!isStructureSchema(input)) return undefined;
  const members = input[4];
  return { members, required: members.slice(0, input[6] ?? 0) };
}

/** Problems with one step's inputs (empty when valid). */
export function checkApiInputs(inputs: Readonly<Record<string, unknown>>): string[] {
  const service = String(inputs.Service);
  const api = String(inputs.Api);
  const operation = operationInput(service, api);
  if (!operation) return [`${service} has no operation ${api}`];
  const given = Object.keys(inputs).filter((key) => !STEP_KEYS.has(key));
  return [
    ...given
      .filter((key) => !operation.members.includes(key))
      .map((key) => `${service}.${api} has no parameter ${key}`),
    ...operation.required
      .filter((key) => !given.includes(key))
      .map((key) => `${service}.${api} needs ${key}`),
  ];
}
