/**
 * The runbook's control flow as a graph, for static checks: which steps can follow which, on success,
 * on failure and on cancel, and which steps have certainly succeeded before a step runs (so their outputs
 * exist when it references them).
 */
import type { AutomationDocument, Condition, Step } from '../../remediation/index';

export type EdgeKind = 'success' | 'failure';
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

export const BUILT_IN_VARIABLES = ['automation:EXECUTION_ID', 'global:REGION', 'global:ACCOUNT_ID'];

/** Every output a step has: its declared ones, and aws:executeAutomation's predefined ExecutionId and Status. */
export function outputsOf(document: AutomationDocument): Set<string> {
  return new Set(
    document.mainSteps.flatMap((step) =>
      step.action === 'aws:executeAutomation'
        ? [`${step.name}.ExecutionId`, `${step.name}.Status`]
        : (step.outputs ?? []).map((output) => `${step.name}.${output.Name}`),
    ),
  );
}
const REFERENCE = /\{\{\s*([\w:.]+)\s*\}\}/g;

export function referencesIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(REFERENCE)].map((match) => match[1] as string);
}

function conditionVariables(condition: Condition): string[] {
  if ('And' in condition) return condition.And.flatMap(conditionVariables);
  if ('Or' in condition) return condition.Or.flatMap(conditionVariables);
  if ('Not' in condition) return conditionVariables(condition.Not[0]);
  return [condition.Variable];
}

export function branchVariables(step: Step): string[] {
  return step.action === 'aws:branch' ? step.inputs.Choices.flatMap(conditionVariables) : [];
}

function stepTarget(target: string | undefined): string | undefined {
  return target?.startsWith('step:') ? target.slice('step:'.length) : undefined;
}

/** Every edge; a step that fails with `Continue` or a target goes on without its outputs. */
export function edges(document: AutomationDocument): Edge[] {
  const steps = document.mainSteps;
  const result: Edge[] = [];
  steps.forEach((step, index) => {
    const following = steps[index + 1]?.name;
    const successors: string[] = [];
    if (step.action === 'aws:branch') {
      successors.push(...step.inputs.Choices.map((choice) => choice.NextStep));
      successors.push(step.inputs.Default ?? following ?? '');
    } else if (!step.isEnd) {
      successors.push(step.nextStep ?? following ?? '');
    }
    for (const to of successors.filter(Boolean)) result.push({ from: step.name, to, kind: 'success' });
    const onFailure = step.onFailure === 'Continue' ? following : stepTarget(step.onFailure);
    for (const to of [onFailure, stepTarget(step.onCancel)]) {
      if (to) result.push({ from: step.name, to, kind: 'failure' });
    }
  });
  return result;
}

/** For each step, the steps that have succeeded on every path from the first step to it. */
export function certainlySucceededBefore(document: AutomationDocument): Map<string, Set<string>> {
  const names = document.mainSteps.map((step) => step.name);
  const all = new Set(names);
  const before = new Map(names.map((name) => [name, new Set(all)]));
  before.set(names[0] as string, new Set());
  const graph = edges(document);
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of names.slice(1)) {
      const incoming = graph.filter((edge) => edge.to === name);
      const sets = incoming.map((edge) => {
        const from = new Set(before.get(edge.from));
        if (edge.kind === 'success') from.add(edge.from);
        return from;
      });
      const [first = new Set<string>(), ...rest] = sets;
      const next = new Set([...first].filter((step) => rest.every((set) => set.has(step))));
      if (next.size !== before.get(name)?.size) {
        before.set(name, next);
        changed = true;
      }
    }
  }
  return before;
}

export function reachableFromStart(document: AutomationDocument): Set<string> {
  const graph = edges(document);
  const seen = new Set<string>([document.mainSteps[0]?.name as string]);
  const queue = [...seen];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const edge of graph.filter((candidate) => candidate.from === current && !seen.has(candidate.to))) {
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}
