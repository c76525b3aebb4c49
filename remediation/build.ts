/**
 * `npm run build`: writes the deployed document to dist/remediation/runbook.json — compact, byte for byte what
 * the stack deploys, because SSM's 64 KB limit counts whitespace — and a YAML copy for reading (over the
 * limit when indented: deploy the JSON).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { RUNBOOK } from './runbook';

const outputDirectory = new URL('../dist/remediation/', import.meta.url);
mkdirSync(outputDirectory, { recursive: true });
writeFileSync(new URL('runbook.json', outputDirectory), JSON.stringify(RUNBOOK));
writeFileSync(new URL('runbook.yaml', outputDirectory), stringify(RUNBOOK, { lineWidth: 0 }));
console.log(`Wrote dist/remediation/runbook.json and runbook.yaml (${RUNBOOK.mainSteps.length} steps)`);
