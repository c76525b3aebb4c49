/**
 * An Inventory from untrusted JSON (the bundled example, or a file a user points the CLI at). Checks what
 * the fake relies on and names the first problem with its path; the EC2 shapes' members are checked later
 * by the XML writer, which refuses members it cannot serialize.
 */
import type { Inventory } from './inventory.js';

const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];

export class InvalidInventoryError extends Error {
  override readonly name = 'InvalidInventoryError';
}

export function parseInventory(value: unknown, source: string): Inventory {
  const fail = (path: string, problem: string): never => {
    throw new InvalidInventoryError(`${source}: ${path} ${problem}`);
  };
  const root = objectAt(value, '$', fail);
  stringAt(root.accountId, '$.accountId', fail, /^\d{12}$/);
  stringAt(root.region, '$.region', fail, /^[a-z]{2}(-[a-z]+)+-\d$/);
  for (const [index, notebook] of listAt(root.notebooks, '$.notebooks', fail).entries()) {
    const path = `$.notebooks[${index}]`;
    const fields = objectAt(notebook, path, fail);
    stringAt(
      fields.NotebookInstanceName,
      `${path}.NotebookInstanceName`,
      fail,
      /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/,
    );
    stringAt(fields.NotebookInstanceArn, `${path}.NotebookInstanceArn`, fail, /^arn:aws[a-z-]*:sagemaker:/);
    for (const time of ['CreationTime', 'LastModifiedTime'] as const) {
      if (fields[time] !== undefined && Number.isNaN(Date.parse(String(fields[time])))) {
        fail(`${path}.${time}`, 'must be an ISO timestamp');
      }
    }
    if (fields.expectedCompliance !== undefined) {
      oneOfAt(fields.expectedCompliance, `${path}.expectedCompliance`, COMPLIANCE_TYPES, fail);
    }
  }
  for (const list of ['subnets', 'routeTables', 'securityGroups'] as const) {
    for (const [index, item] of listAt(root[list], `$.${list}`, fail).entries())
      objectAt(item, `$.${list}[${index}]`, fail);
  }
  if (root.discoveredResources !== undefined) {
    for (const [index, item] of listAt(root.discoveredResources, '$.discoveredResources', fail).entries()) {
      stringAt(
        objectAt(item, `$.discoveredResources[${index}]`, fail).resourceId,
        `$.discoveredResources[${index}].resourceId`,
        fail,
      );
    }
  }
  for (const [index, item] of listAt(root.priorEvaluations ?? [], '$.priorEvaluations', fail).entries()) {
    const path = `$.priorEvaluations[${index}]`;
    const prior = objectAt(item, path, fail);
    stringAt(prior.configRuleName, `${path}.configRuleName`, fail);
    stringAt(prior.resourceId, `${path}.resourceId`, fail);
    oneOfAt(prior.complianceType, `${path}.complianceType`, COMPLIANCE_TYPES, fail);
  }
  if (root.ruleParameters !== undefined) {
    for (const [name, parameter] of Object.entries(objectAt(root.ruleParameters, '$.ruleParameters', fail))) {
      stringAt(parameter, `$.ruleParameters.${name}`, fail);
    }
  }
  return root as unknown as Inventory;
}

type Fail = (path: string, problem: string) => never;

function objectAt(value: unknown, path: string, fail: Fail): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(path, 'must be an object');
  return value as Readonly<Record<string, unknown>>;
}

function listAt(value: unknown, path: string, fail: Fail): readonly unknown[] {
  return Array.isArray(value) ? value : fail(path, 'must be a list');
}

function stringAt(value: unknown, path: string, fail: Fail, pattern?: RegExp): string {
  if (typeof value !== 'string') return fail(path, 'must be a string');
  if (pattern && !pattern.test(value)) return fail(path, `must match ${pattern.source}`);
  return value;
}

function oneOfAt(value: unknown, path: string, allowed: readonly string[], fail: Fail): void {
  if (typeof value !== 'string' || !allowed.includes(value))
    fail(path, `must be one of ${allowed.join(', ')}`);
}
