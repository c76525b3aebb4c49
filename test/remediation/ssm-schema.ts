/**
 * The public SSM Automation JSON schema (aws-ssm-document-language-service) with the known fixes: it is
 * stale (python3.6-3.8 only, no onCancel) and buggy (the wait rule is keyed on a misspelled action,
 * executeAwsApi does not require Api, branch does not require Choices).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Json = { [key: string]: unknown };

function child(value: unknown, ...path: string[]): Json {
  let current = value;
  for (const key of path) current = (current as Json | undefined)?.[key] ?? {};
  return current as Json;
}

export function fixedSchema(): Json {
  const path = createRequire(import.meta.url).resolve('aws-ssm-document-language-service/dist/schema.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Json;
  const step = child(schema, 'properties', 'mainSteps', 'items');
  child(step, 'properties').onCancel = { type: 'string', pattern: '^(Abort|step:\\w+)$' };
  for (const rule of step.allOf as Json[]) {
    const action = child(rule, 'if', 'properties', 'action');
    const inputs = (child(rule, 'then', 'properties') as { inputs?: Json }).inputs ?? {};
    if (action.const === 'aws:waitForAwsResourceProperties') action.const = 'aws:waitForAwsResourceProperty';
    if (action.const === 'aws:executeAwsApi') inputs.required = ['Service', 'Api'];
    if (action.const === 'aws:branch') inputs.required = ['Choices'];
    if (action.const === 'aws:executeScript') {
      child(inputs, 'properties').Runtime = { enum: ['python3.11', 'PowerShell 7.4'] };
    }
  }
  return schema;
}
