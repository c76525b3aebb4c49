/**
 * SARIF output, validated against the SARIF 2.1.0 JSON schema (as shipped by Microsoft's @microsoft/jest-sarif,
 * a JSON Schema draft-04 document: ajv-draft-04, with formats).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../../rule/checks';
import { DEFAULT_PARAMETERS } from '../../../rule/parameters';
import { toSarif } from '../../../rule/scan/sarif';
import { SEED_NO_SUBNET_PLAN } from '../../fixtures/terraform/plan';
import { scanPlan, scanTemplate } from './support';

const schema = createRequire(import.meta.url)('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
// The schema's language pattern is not a valid Unicode-mode regular expression: compile patterns without the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValid(log: Log): void {
  const valid = validate(JSON.parse(JSON.stringify(log)));
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
}

const TEMPLATE = `
Parameters:
  Subnet: { Type: 'AWS::EC2::Subnet::Id' }
Resources:
  Outside:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: arn:aws:iam::111122223333:role/r }
  Chosen:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: arn:aws:iam::111122223333:role/r, SubnetId: !Ref Subnet }
`;

describe('SARIF 2.1.0 output', () => {
  it('the schema itself rejects what is not SARIF (the validator is live)', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.0.0', runs: [] })).toBe(false);
  });

  it('a Terraform plan: one rule per check, one result per failed check, the address as location', async () => {
    const scan = await scanPlan(JSON.parse(readFileSync(SEED_NO_SUBNET_PLAN, 'utf8')));
    const log = toSarif({ ...scan, file: 'infra/plan.json' }, '/repo');
    expectValid(log);
    const [run] = log.runs;
    expect(run?.tool.driver.rules?.map((rule) => rule.id)).toEqual([...CHECK_IDS]);
    expect(run?.results?.map((result) => [result.ruleId, result.message.text])).toEqual([
      ['S2', 'my-notebook-instance: Runs in the SageMaker service VPC (no subnet)'],
      ['S5', 'my-notebook-instance: Direct internet access enabled'],
    ]);
    expect(run?.results?.[0]?.locations?.[0]).toMatchObject({
      physicalLocation: { artifactLocation: { uri: 'infra/plan.json' }, region: { startLine: 1 } },
      logicalLocations: [
        { fullyQualifiedName: 'aws_sagemaker_notebook_instance.my_notebook', kind: 'resource' },
      ],
    });
    expect(run?.invocations?.[0]?.executionSuccessful).toBe(true);
  });

  it('a template: line numbers, and checks that could not run as failed-execution notifications', async () => {
    const scan = await scanTemplate(TEMPLATE);
    const log = toSarif({ ...scan, file: '/repo/templates/notebooks.yaml' }, '/repo');
    expectValid(log);
    const [run] = log.runs;
    expect(
      run?.results?.map((result) => [
        result.ruleId,
        result.locations?.[0]?.physicalLocation?.region?.startLine,
      ]),
    ).toEqual([
      ['S2', 5],
      ['S5', 5],
    ]);
    expect(run?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      'templates/notebooks.yaml',
    );
    expect(run?.invocations?.[0]?.executionSuccessful).toBe(false);
    expect(run?.invocations?.[0]?.toolExecutionNotifications?.map((n) => n.descriptor?.id)).toEqual([
      'S2',
      'S5',
      'S6',
    ]);
  });

  it('a file outside the working directory is a file URI', async () => {
    const log = toSarif(
      { ...(await scanTemplate(TEMPLATE, DEFAULT_PARAMETERS)), file: '/elsewhere/t.yaml' },
      '/repo',
    );
    expectValid(log);
    expect(log.runs[0]?.artifacts?.[0]?.location?.uri).toBe('file:///elsewhere/t.yaml');
  });
});
