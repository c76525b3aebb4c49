/**
 * `npm run build`: writes the documents of a hand deployment to dist/remediation/ — runbook.json and the check
 * document it runs, runbook-check.json (create it under the name CHECK_DOCUMENT_NAME_DEFAULT) — compact, because
 * SSM's 64 KB limit counts whitespace, and YAML copies for reading (over the limit when indented: deploy the JSON).
 * The stack deploys the same documents with its check document's name and its settings written in.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { CHECK_DOCUMENT } from './check-document';
import { RUNBOOK } from './runbook';

const outputDirectory = new URL('../dist/remediation/', import.meta.url);
mkdirSync(outputDirectory, { recursive: true });
for (const [name, document] of [
  ['runbook', RUNBOOK],
  ['runbook-check', CHECK_DOCUMENT],
] as const) {
  writeFileSync(new URL(`${name}.json`, outputDirectory), JSON.stringify(document));
  writeFileSync(new URL(`${name}.yaml`, outputDirectory), stringify(document, { lineWidth: 0 }));
}
console.log(`Wrote dist/remediation/runbook.json, runbook-check.json and their YAML copies`);
