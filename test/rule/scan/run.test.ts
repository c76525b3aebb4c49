/** The file-scan command: output formats, exit status 0/1/2, --soft-fail, one clear line for a bad file. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCliArguments, UsageError } from '../../../rule/cli';
import { DEFAULT_PARAMETERS } from '../../../rule/parameters';
import { type FileScanOptions, runFileScan } from '../../../rule/scan/run';
import { SEED_FIX_PLAN, SEED_NO_SUBNET_PLAN } from '../../fixtures/terraform/plan';

async function run(options: Partial<FileScanOptions> & Pick<FileScanOptions, 'file'>) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runFileScan(
    { kind: 'terraform-plan', parameters: DEFAULT_PARAMETERS, output: 'table', softFail: false, ...options },
    { out: (text) => out.push(text), err: (line) => err.push(line) },
  );
  return { status, out: out.join('\n'), err };
}

describe('file scans', () => {
  it('exit 0 for the seed’s fix, 1 for its notebook without a subnet, 0 again with --soft-fail', async () => {
    expect((await run({ file: SEED_FIX_PLAN })).status).toBe(0);
    const failing = await run({ file: SEED_NO_SUBNET_PLAN });
    expect(failing.status).toBe(1);
    expect(failing.out).toContain(
      'NON_COMPLIANT   Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
    );
    expect((await run({ file: SEED_NO_SUBNET_PLAN, softFail: true })).status).toBe(0);
  });

  it('exit 2 and one line naming the file when it cannot be read or parsed; nothing on stdout', async () => {
    const missing = await run({ file: '/nonexistent/plan.json' });
    expect(missing).toEqual({ status: 2, out: '', err: ['/nonexistent/plan.json: cannot be read (ENOENT)'] });
    const broken = join(tmpdir(), 'vpc-guard-broken.yaml');
    writeFileSync(broken, 'Resources:\n  A: [\n');
    const result = await run({ kind: 'template', file: broken, softFail: true });
    expect(result.status).toBe(2);
    expect(result.err).toHaveLength(1);
    expect(result.err[0]).toMatch(
      new RegExp(`^${broken}: not valid JSON or YAML \\(line \\d+, column \\d+\\): `),
    );
  });

  it('exit 2 when a notebook could not be fully evaluated, even with --soft-fail', async () => {
    const template = join(tmpdir(), 'vpc-guard-param.yaml');
    writeFileSync(
      template,
      'Parameters:\n  S: {Type: String}\nResources:\n  N:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties: {SubnetId: !Ref S}\n',
    );
    const result = await run({ kind: 'template', file: template, softFail: true, output: 'json' });
    expect(result.status).toBe(2);
    expect(JSON.parse(result.out)).toMatchObject({
      exitStatus: 2,
      notebooks: [
        {
          resource: 'N',
          compliance: null,
          notEvaluatedChecks: [{ check: 'S2' }, { check: 'S5' }, { check: 'S6' }],
        },
      ],
    });
  });

  it('parses the file-scan options and refuses combinations that make no sense', () => {
    expect(parseCliArguments(['--terraform-plan', 'p.json', '--output', 'sarif', '--soft-fail'])).toEqual({
      live: false,
      output: 'sarif',
      file: { kind: 'terraform-plan', path: 'p.json' },
      softFail: true,
    });
    expect(parseCliArguments(['--template', 't.yaml', '--live'])).toMatchObject({
      live: true,
      file: { kind: 'template' },
    });
    for (const args of [
      ['--template', 'a', '--terraform-plan', 'b'],
      ['--output', 'sarif'],
      ['--soft-fail'],
      ['--template', 'a', '--inventory', 'x.json'],
    ]) {
      expect(() => parseCliArguments(args)).toThrow(UsageError);
    }
  });

  it('npm start -- --terraform-plan writes SARIF and exits 1 for a NON_COMPLIANT notebook', async () => {
    const child = promisify(execFile)('npx', [
      'tsx',
      'rule/cli.ts',
      '--terraform-plan',
      SEED_NO_SUBNET_PLAN,
      '--output',
      'sarif',
    ]);
    const failure = await child.then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(JSON.parse(failure?.stdout ?? '{}')).toMatchObject({
      version: '2.1.0',
      runs: [{ results: [{ ruleId: 'S2' }, { ruleId: 'S5' }] }],
    });
  });
});
