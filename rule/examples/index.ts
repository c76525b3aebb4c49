/**
 * The bundled example account the CLI evaluates offline by default: one notebook per scenario of the
 * rule, with the rule parameters it is meant to be evaluated with (`ruleParameters`) and, per notebook,
 * the scenario it shows and the verdict it expects under those parameters.
 */
import type { Inventory } from '../../offline/inventory.js';
import { parseInventory } from '../../offline/parse-inventory.js';
import account from './account.json' with { type: 'json' };

/** A fresh copy each call, so no caller can change another's example. */
export function loadExampleAccount(): Inventory {
  return parseInventory(structuredClone(account), 'rule/examples/account.json');
}
