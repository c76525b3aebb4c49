/**
 * `cdk synth` as `npm run synth` runs it: offline, no Docker, no context at all. The deployed Lambda code
 * is byte-identical to the build's dist/rule/index.js; dist/conformance-pack.yaml and the guardrails are written.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRule } from '../../rule/build';
import { CONFORMANCE_PACK_FILE, createApp, DEFAULT_STACK_NAME, GUARDRAILS_DIRECTORY } from '../../stack/app';
import { guardrailPolicies } from '../../stack/guardrails';
import { onlyResource, type TemplateJson } from './support';

const ROOT = join(import.meta.dirname, '..', '..');
const outdir = mkdtempSync(join(tmpdir(), 'vpc-guard-synth-'));
let template: TemplateJson;

beforeAll(() => {
  // The CLI exactly as `npm run synth` calls it (cdk.json: `npx tsx stack/app.ts`), into a scratch directory.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', outdir], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, CI: 'true' },
  });
  template = JSON.parse(
    readFileSync(join(outdir, `${DEFAULT_STACK_NAME}.template.json`), 'utf8'),
  ) as TemplateJson;
}, 240_000);

describe('cdk synth with no context', () => {
  it('deploys exactly the code `npm run build` writes to dist/rule/index.js', async () => {
    const [functionId] = onlyResource(template, 'AWS::Lambda::Function');
    const metadata = (template.Resources[functionId] as { Metadata?: Record<string, string> }).Metadata ?? {};
    const asset = join(outdir, metadata['aws:asset:path'] ?? 'missing');
    const built = join(mkdtempSync(join(tmpdir(), 'vpc-guard-build-')), 'index.js');
    await buildRule(built);
    expect(readFileSync(join(asset, 'index.js')).equals(readFileSync(built))).toBe(true);
    expect(readFileSync(join(asset, 'package.json'), 'utf8')).toContain('commonjs');
  });

  it('writes dist/conformance-pack.yaml for these settings', () => {
    const { guard } = createApp(new App());
    expect(readFileSync(CONFORMANCE_PACK_FILE, 'utf8')).toBe(guard.conformancePack.yaml);
  });

  it('writes the guardrails (dist/guardrails/scp.json and iam-policy.json) for these settings', () => {
    const { guard } = createApp(new App());
    const policies = guardrailPolicies(guard.settings.guardrails.settings);
    const written = (file: string) =>
      JSON.parse(readFileSync(join(GUARDRAILS_DIRECTORY, file), 'utf8')) as unknown;
    expect(written('scp.json')).toEqual(policies.scp);
    expect(written('iam-policy.json')).toEqual(policies.iamPolicy);
  });

  it('passes the CloudFormation validation and cdk-nag (the report has no findings)', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });
});
