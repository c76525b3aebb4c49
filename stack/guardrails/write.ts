/** Writes the guardrails for `npm run synth`: dist/guardrails/scp.json and iam-policy.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GuardrailPolicies, guardrailPolicies } from './guardrails';
import { policyText } from './policy';
import type { GuardrailSettings } from './settings';

const GUARDRAIL_FILES = { scp: 'scp.json', iamPolicy: 'iam-policy.json' } as const;

/** Generates and writes both policies into `outDir` (created if needed); returns what it wrote. */
export function writeGuardrails(outDir: string, settings: GuardrailSettings): GuardrailPolicies {
  const policies = guardrailPolicies(settings);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, GUARDRAIL_FILES.scp), policyText(policies.scp));
  writeFileSync(join(outDir, GUARDRAIL_FILES.iamPolicy), policyText(policies.iamPolicy));
  return policies;
}
