/** Static checks of the shipped document: schema, references, control flow, patterns, size, build output. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  CHECK_DOCUMENT,
  CHECK_DOCUMENT_NAME_DEFAULT,
  namingCheckDocument,
  PARAMETER_NAMES,
  PARAMETERS,
  RUNBOOK,
  withSettings,
} from '../../remediation/index';
import { DEFAULT_IAC_OWNERSHIP_TAG_KEYS, IAC_OWNERSHIP_MARKER } from '../../rule/ownership';
import {
  BUILT_IN_VARIABLES,
  branchVariables,
  certainlySucceededBefore,
  edges,
  outputsOf,
  reachableFromStart,
  referencesIn,
} from './document-graph';
import { fixedSchema } from './ssm-schema';

/** SSM's 64 KB includes the parameter values given at run time: keep 4 KiB for them. */
const MAX_DOCUMENT_BYTES = 60 * 1024;

describe('the SSM JSON schema (with the known fixes)', () => {
  const validate = new Ajv({ unicodeRegExp: false, strict: false, allErrors: true }).compile(fixedSchema());

  it.each([
    ['the runbook', RUNBOOK],
    ['the check document', CHECK_DOCUMENT],
  ])('accepts %s', (_name, document) => {
    validate(document);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('rejects what the fixes exist for', () => {
    const broken = (change: (steps: Record<string, unknown>[]) => void) => {
      const copy = JSON.parse(JSON.stringify(RUNBOOK)) as { mainSteps: Record<string, unknown>[] };
      change(copy.mainSteps);
      return validate(copy);
    };
    const find = (steps: Record<string, unknown>[], action: string) =>
      steps.find((step) => step.action === action) as { inputs: Record<string, unknown> };
    expect(broken((steps) => delete find(steps, 'aws:waitForAwsResourceProperty').inputs.DesiredValues)).toBe(
      false,
    );
    expect(
      broken((steps) => Object.assign(find(steps, 'aws:executeScript').inputs, { Runtime: 'python3.8' })),
    ).toBe(false);
    expect(broken((steps) => delete find(steps, 'aws:executeAwsApi').inputs.Api)).toBe(false);
    expect(broken((steps) => delete find(steps, 'aws:branch').inputs.Choices)).toBe(false);
    expect(broken((steps) => Object.assign(steps[0] as object, { onCancel: 'later' }))).toBe(false);
  });
});

describe.each([
  ['the runbook', RUNBOOK],
  ['the check document', CHECK_DOCUMENT],
])('references and control flow of %s', (_name, document) => {
  const stepNames = document.mainSteps.map((step) => step.name);
  const outputs = outputsOf(document);
  const succeededBefore = certainlySucceededBefore(document);

  it('has unique step names', () => {
    expect(new Set(stepNames).size).toBe(stepNames.length);
    expect(document.assumeRole).toBe('{{ AutomationAssumeRole }}');
  });

  it.each(document.mainSteps.map((step) => [step.name, step] as const))(
    '%s references only parameters, built-ins and outputs of steps that certainly succeeded before it',
    (name, step) => {
      for (const reference of [
        ...referencesIn(step.inputs),
        ...branchVariables(step).flatMap(referencesIn),
      ]) {
        if (reference in document.parameters || BUILT_IN_VARIABLES.includes(reference)) continue;
        expect(outputs, reference).toContain(reference);
        expect([...(succeededBefore.get(name) ?? [])], `${name} uses ${reference}`).toContain(
          reference.split('.')[0],
        );
      }
    },
  );

  it('document outputs name declared step outputs', () => {
    for (const output of document.outputs) expect(outputs).toContain(output);
  });

  it('every branch, nextStep, onFailure and onCancel target exists, and every step is reachable', () => {
    for (const edge of edges(document)) expect(stepNames, `${edge.from} -> ${edge.to}`).toContain(edge.to);
    expect([...reachableFromStart(document)].sort()).toEqual([...stepNames].sort());
  });
});

describe('the runbook and its check document', () => {
  const succeededBefore = certainlySucceededBefore(RUNBOOK);

  it('has parameters named as the issue fixes them', () => {
    expect(PARAMETER_NAMES).toEqual(
      expect.arrayContaining([
        'NotebookInstanceName',
        'SubnetId',
        'SecurityGroupIds',
        'DirectInternetAccess',
        'BackupBucketName',
        'AllowDataLoss',
        'AutomationAssumeRole',
      ]),
    );
    expect(PARAMETERS.SecurityGroupIds.type).toBe('StringList');
    expect(PARAMETERS.DirectInternetAccess.default).toBe('Disabled');
    expect(PARAMETERS.BackupBucketName.default).toBe('');
    expect(PARAMETERS.AllowDataLoss.default).toBe('false');
  });

  it("has the parameters issue 14 adds, with safe defaults (today's behaviour; owned notebooks refused)", () => {
    expect(PARAMETERS.Mode).toMatchObject({
      type: 'String',
      default: 'Recreate',
      allowedValues: ['Recreate', 'BackupOnly', 'RestoreOnly'],
    });
    expect(PARAMETERS.BackupExecutionId).toMatchObject({ type: 'String', default: '' });
    expect(PARAMETERS.AllowIacOwnedNotebook).toMatchObject({
      default: 'false',
      allowedValues: ['false', 'true'],
    });
    expect(PARAMETERS.IacOwnershipTagKeys.type).toBe('StringList');
    // The rule reads the same markers by default (the two cannot import each other).
    expect(PARAMETERS.IacOwnershipTagKeys.default).toEqual(DEFAULT_IAC_OWNERSHIP_TAG_KEYS);
    const runbook = new RegExp(PARAMETERS.IacOwnershipTagKeys.allowedPattern);
    for (const marker of [
      'ManagedBy=terraform',
      'a=b=c',
      'k'.repeat(128),
      'k'.repeat(129),
      '=v',
      'k=',
      'k;v',
      'k v',
    ])
      expect(runbook.test(marker), marker).toBe(IAC_OWNERSHIP_MARKER.test(marker));
  });

  it('the reference check can fail: an output used on a path where its step may not have run', () => {
    const createNotebook = succeededBefore.get('WaitCreated') ?? new Set();
    expect(createNotebook.has('ResolveNotebook')).toBe(true);
    expect(createNotebook.has('CreateNotebook')).toBe(false); // the ResumeRestore path skips it
    expect(succeededBefore.get('FailPutBack')?.has('VerifyBackup')).toBe(false);
    // RestoreOnly verifies its restore after reading the backup's manifest (every path to VerifyRestore does).
    expect(succeededBefore.get('VerifyRestore')?.has('PrepareManifest')).toBe(true);
    expect(succeededBefore.get('VerifyRestore')?.has('CreateHookConfig')).toBe(false);
  });

  it('runs the check document by the name it is deployed under, passing it only the role and its execution', () => {
    const named = namingCheckDocument(RUNBOOK, 'deployed-check');
    const check = named.mainSteps[0];
    expect(check).toMatchObject({
      action: 'aws:executeAutomation',
      inputs: {
        DocumentName: 'deployed-check',
        RuntimeParameters: {
          AutomationAssumeRole: '{{ AutomationAssumeRole }}',
          ExecutionId: '{{ automation:EXECUTION_ID }}',
        },
      },
    });
    // The step and its reader (ResolveNotebook checks the execution it reads is of that document); nothing else.
    expect(JSON.stringify(named).replaceAll('deployed-check', CHECK_DOCUMENT_NAME_DEFAULT)).toBe(
      JSON.stringify(RUNBOOK),
    );
    expect(JSON.stringify(named).split('deployed-check')).toHaveLength(3);
    expect(Object.keys(CHECK_DOCUMENT.parameters).sort()).toEqual(['AutomationAssumeRole', 'ExecutionId']);
  });

  it('the check document is read-only: its script calls no operation that changes anything', () => {
    const script = JSON.stringify(CHECK_DOCUMENT);
    expect(script).not.toMatch(/\b(sagemaker|s3|ec2|kms)\.(create|update|delete|put|start|stop|add|attach)_/);
    expect(script).toMatch(/iam\.simulate_principal_policy/);
  });

  it('carries the deployed settings in the check document, as the stack writes them', () => {
    const settings = { BackupBucketName: 'b', BackupPrefix: 'p', Rule: { SubnetIds: 'subnet-1' } };
    const step = withSettings(CHECK_DOCUMENT, settings).mainSteps[0];
    expect(
      step?.action === 'aws:executeScript' && JSON.parse(String(step.inputs.InputPayload.Settings)),
    ).toEqual(settings);
  });
});

describe('allowedPattern samples', () => {
  const samples: Record<string, { pass: string[]; fail: string[] }> = {
    NotebookInstanceName: {
      pass: [
        'MyNotebook',
        'a',
        'my--notebook-2',
        'arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/mynotebook',
        'arn:aws-cn:sagemaker:cn-north-1:123456789012:notebook-instance/x',
      ],
      fail: [
        '',
        '-lead',
        'trail-',
        'has_underscore',
        'arn:aws:sagemaker:eu-west-1:12345:notebook-instance/x',
        `a${'b'.repeat(63)}`,
        'x;rm -rf',
      ],
    },
    SubnetId: {
      pass: ['subnet-0123abcd', 'subnet-0123456789abcdef0'],
      fail: ['subnet-123', 'subnet-0123456789ABCDEF0', 'sg-0123abcd', ''],
    },
    SecurityGroupIds: {
      pass: ['sg-0123abcd', 'sg-0123456789abcdef0'],
      fail: ['sg-12', 'subnet-0123abcd', ''],
    },
    BackupBucketName: {
      pass: ['', 'my-bucket', 'a.b.c'],
      fail: ['My-Bucket', 'ab', '-bucket', 'bucket-', 'has space'],
    },
    BackupPrefix: {
      pass: ['sagemaker-notebook-vpc-guard', 'a/b/c', 'x.y_z'],
      fail: ['', '/lead', 'trail/', 'a//b', "quote'", 'sp ace'],
    },
    BackupTimeoutMinutes: {
      pass: ['1', '60', '120', '719', '720'],
      fail: ['0', '721', '1000', '-5', '1.5', ''],
    },
    RestoreTimeoutMinutes: { pass: ['5', '300'], fail: ['0', '999'] },
    BackupExecutionId: {
      pass: ['', '11111111-2222-4333-8444-555555555555'],
      fail: [
        '11111111-2222-4333-8444-55555555555',
        'X1111111-2222-4333-8444-555555555555',
        "'; reboot; '",
        '../runs',
      ],
    },
    IacOwnershipTagKeys: {
      pass: ['aws:cloudformation:stack-name', 'ManagedBy=terraform', 'Origin=tool=terraform', 'my key@x/y'],
      fail: ['', '=terraform', 'ManagedBy=', 'a,b', 'tag;rm', `${'k'.repeat(129)}`],
    },
    AutomationAssumeRole: {
      pass: ['arn:aws:iam::123456789012:role/Remediation', 'arn:aws:iam::123456789012:role/path/to/Role+x'],
      fail: ['arn:aws:iam::123456789012:user/x', 'Remediation', ''],
    },
  };

  it('every parameter with a pattern has passing and failing samples', () => {
    const patterned = Object.entries(RUNBOOK.parameters).filter(
      ([, definition]) => definition.allowedPattern,
    );
    expect(patterned.map(([name]) => name).sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(Object.entries(samples))('%s', (name, { pass, fail }) => {
    const pattern = new RegExp(RUNBOOK.parameters[name]?.allowedPattern ?? '(?!)');
    expect(pass.length).toBeGreaterThan(0);
    expect(fail.length).toBeGreaterThan(0);
    for (const value of pass) expect(pattern.test(value), value).toBe(true);
    for (const value of fail) expect(pattern.test(value), value).toBe(false);
  });
});

describe('the deployed documents', () => {
  const deployed = JSON.stringify(RUNBOOK);

  it.each([
    ['the runbook', RUNBOOK],
    ['the check document', CHECK_DOCUMENT],
  ])(
    `%s fits SSM's 64 KB document limit with room for parameter values (${MAX_DOCUMENT_BYTES} bytes)`,
    (_name, document) => {
      expect(Buffer.byteLength(JSON.stringify(document))).toBeLessThan(MAX_DOCUMENT_BYTES);
    },
  );

  it('use python3.11 for every script and ship no placeholder', () => {
    for (const step of [...RUNBOOK.mainSteps, ...CHECK_DOCUMENT.mainSteps]) {
      if (step.action !== 'aws:executeScript') continue;
      expect(step.inputs.Runtime).toBe('python3.11');
      expect(step.inputs.Script).not.toMatch(/from common import|# embed:|= None {2}#/);
    }
  });

  it('the build writes exactly these documents', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('npx', ['tsx', 'remediation/build.ts'], { stdio: 'pipe' });
    // Byte for byte: a user may upload these files as they are, and SSM's size limit counts every byte.
    expect(readFileSync('dist/remediation/runbook.json', 'utf8')).toBe(deployed);
    expect(readFileSync('dist/remediation/runbook-check.json', 'utf8')).toBe(JSON.stringify(CHECK_DOCUMENT));
    const yaml = createRequire(import.meta.url)('yaml') as { parse(text: string): unknown };
    expect(yaml.parse(readFileSync('dist/remediation/runbook.yaml', 'utf8'))).toEqual(JSON.parse(deployed));
  });
});
