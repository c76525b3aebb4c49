import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { createOfflineAws } from '../../offline/index';
import { formatAsff, formatJson, formatTable, parseCliArguments, scan, UsageError } from '../../rule/cli';
import { loadExampleAccount } from '../../rule/examples/index';

const offline = { live: false, output: 'table' } as const;

describe('npm start on the bundled example account', () => {
  it('every example notebook gets the verdict its scenario expects, through the Lambda’s sweep', async () => {
    const warnings: string[] = [];
    const { result } = await scan(offline, (line) => warnings.push(line));
    const inventory = loadExampleAccount();
    const byName = new Map(result.evaluations.map((evaluation) => [evaluation.notebook?.name, evaluation]));
    expect(result.failures).toEqual([]);
    expect(inventory.notebooks.length).toBeGreaterThanOrEqual(8);
    for (const notebook of inventory.notebooks) {
      expect(byName.get(notebook.NotebookInstanceName)?.compliance, notebook.NotebookInstanceName).toBe(
        notebook.expectedCompliance,
      );
    }
    // The example exercises the reconciliation fallback and the vanished-notebook cleanup too.
    expect(warnings.some((line) => line.includes('no inventory entry'))).toBe(true);
    expect(result.evaluations.some((e) => e.annotation === 'Notebook instance no longer exists')).toBe(true);
  });

  it('covers every scenario of the rule', async () => {
    const { result } = await scan(offline, () => {});
    const annotations = result.evaluations.map((e) => e.annotation ?? '').join('\n');
    for (const scenario of [
      'Exempt: tagged', // S1
      'Runs in the SageMaker service VPC', // S2
      'not approved', // S3/S4
      'Direct internet access enabled', // S5
      'routes 0.0.0.0/0 to igw-', // S6 (IPv4)
      'routes ::/0 to igw-', // S6 (IPv6)
      'Open ingress', // S7
    ]) {
      expect(annotations).toContain(scenario);
    }
    expect(result.evaluations.some((e) => (e.annotation?.split('; ').length ?? 0) > 1)).toBe(true); // S8
    expect(result.evaluations.some((e) => e.compliance === 'COMPLIANT')).toBe(true); // S9
  });

  it('--parameters replaces the example’s parameters (checks off, no exemption: only service-VPC notebooks fail)', async () => {
    const parameters = JSON.stringify({
      RequireDirectInternetAccessDisabled: 'false',
      RequirePrivateSubnet: 'false',
    });
    const { result } = await scan({ ...offline, parameters }, () => {});
    const failing = result.evaluations
      .filter((e) => e.compliance === 'NON_COMPLIANT')
      .map((e) => e.annotation);
    expect(failing).toEqual([
      'Runs in the SageMaker service VPC (no subnet)',
      'Runs in the SageMaker service VPC (no subnet)',
    ]);
  });

  it('prints a table with a summary, and JSON with the same results', async () => {
    const scanned = await scan(offline, () => {});
    const table = formatTable(scanned);
    expect(table).toMatch(/^NOTEBOOK +RESULT +REASON$/m);
    expect(table).toMatch(/^quick-prototype +NON_COMPLIANT +Runs in the SageMaker service VPC/m);
    // S12: notebooks their code owns say where to fix them.
    expect(table).toMatch(
      /^churn-analysis +NON_COMPLIANT +Direct internet access enabled; managed by CloudFormation stack customer-insights-notebooks: fix the template$/m,
    );
    expect(table).toMatch(
      /^legacy-etl-notebook +NON_COMPLIANT +VPC \S+ not approved; managed by Terraform \(tag ManagedBy=terraform\): fix the code$/m,
    );
    expect(table).toMatch(/notebook\(s\) listed by SageMaker; \d+ COMPLIANT, \d+ NON_COMPLIANT/);
    const json = JSON.parse(formatJson(scanned));
    expect(json.evaluations).toHaveLength(scanned.result.evaluations.length);
    expect(json.summary.errors).toBe(0);
  });

  it('--output asff shows the findings the rule would import: one per result, accepted by Security Hub', async () => {
    const scanned = await scan({ ...offline, output: 'asff' }, () => {});
    const findings = JSON.parse(formatAsff(scanned)) as AwsSecurityFinding[];
    expect(findings).toHaveLength(scanned.result.evaluations.length);
    const quick = findings.find((f) => f.Resources?.[0]?.Id?.endsWith('/quick-prototype'));
    expect(quick).toMatchObject({
      ProductArn: 'arn:aws:securityhub:ap-northeast-1:111122223333:product/111122223333/default',
      GeneratorId: 'sagemaker-notebook-vpc-guard',
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'HIGH' },
    });
    // Security Hub carries the same words as Config.
    const churn = findings.find((f) => f.Resources?.[0]?.Id?.endsWith('/churn-analysis'));
    expect(churn?.Description).toBe(
      'Direct internet access enabled; managed by CloudFormation stack customer-insights-notebooks: fix the template',
    );
    // The offline Security Hub (checked like the real one) takes every one of them.
    const hub = createOfflineAws(loadExampleAccount());
    const client = new SecurityHubClient(hub.clientConfig);
    const answer = await client.send(new BatchImportFindingsCommand({ Findings: findings }));
    expect(answer.FailedFindings).toEqual([]);
    expect(hub.state.securityHub.findings()).toHaveLength(findings.length);
  });
});

describe('parseCliArguments', () => {
  it('defaults to the offline example as a table', () => {
    expect(parseCliArguments([])).toEqual({ live: false, output: 'table' });
  });

  it('--region or --profile imply a live scan', () => {
    expect(parseCliArguments(['--region', 'eu-west-1'])).toMatchObject({ live: true, region: 'eu-west-1' });
    expect(parseCliArguments(['--profile', 'audit', '--output', 'json'])).toMatchObject({
      live: true,
      output: 'json',
    });
    expect(parseCliArguments(['--output', 'asff'])).toEqual({ live: false, output: 'asff' });
  });

  it.each([
    [['--output', 'xml'], UsageError],
    [['--output', 'ASFF'], UsageError],
    [['--live', '--inventory', 'x.json'], UsageError],
    [['--nope'], TypeError],
  ])('rejects %j', (args, type) => {
    expect(() => parseCliArguments(args)).toThrow(type);
  });

  it('--help', () => {
    expect(parseCliArguments(['--help'])).toBe('help');
  });
});

describe('the npm start command itself', () => {
  it('runs the example and exits 0', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'rule/cli.ts'], { cwd: process.cwd() });
    expect(stdout).toContain('Offline: bundled example account 111122223333');
    expect(stdout).toMatch(/0 could not be evaluated\.$/m);
  });
});
