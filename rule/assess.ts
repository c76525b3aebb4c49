/** One notebook → its verdict: ask EC2 only for the facts the enabled checks need, then evaluate. */
import { evaluateNotebook, factsNeeded, type Verdict } from './evaluate';
import type { NetworkFactsSource } from './network';
import type { Notebook } from './notebook';
import type { RuleParameters } from './parameters';

export async function assessNotebook(
  notebook: Notebook,
  network: NetworkFactsSource,
  parameters: RuleParameters,
): Promise<Verdict> {
  const facts = await network.factsFor(factsNeeded(notebook, parameters));
  return evaluateNotebook(notebook, facts, parameters);
}
