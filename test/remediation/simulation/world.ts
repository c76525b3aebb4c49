/**
 * A small account for the flow simulation: two VPCs, a backup bucket, a fully configured notebook, and an
 * automation role allowed to recreate it.
 */

import { afterAll, beforeAll, inject } from 'vitest';
import {
  CHECK_DOCUMENT,
  CHECK_DOCUMENT_NAME_DEFAULT,
  RUNBOOK,
  type TrustedSettings,
  withSettings,
} from '../../../remediation/index';
import { interpreterFor } from '../../support/python';
import { FakeAws } from './fake-aws';
import { FakeSageMaker, type Notebook } from './fake-sagemaker';
import { type Execution, Interpreter, type ParameterValues, type RunOptions } from './interpreter';
import type { JsonObject } from './python-bridge';
import { PythonBridge } from './python-bridge';

export const TARGET_VPC = 'vpc-0aaaaaaaaaaaaaaaa';
export const TARGET_SUBNET = 'subnet-0aaaaaaaaaaaaaaa1';
export const TARGET_GROUPS = ['sg-0aaaaaaaaaaaaaaa1', 'sg-0aaaaaaaaaaaaaaa2'];
export const OTHER_SUBNET = 'subnet-0bbbbbbbbbbbbbbb1';
export const OTHER_GROUP = 'sg-0bbbbbbbbbbbbbbb1';
export const BUCKET = 'vpc-guard-backups';
export const NAME = 'MyNotebook';
export const OWN_CONFIG = 'my-setup';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/SageMakerNotebook';
export const ROLE_ID = 'AROAEXAMPLENOTEBOOK1';
/** Another team's notebook role in the same account. */
export const OTHER_ROLE_ARN = 'arn:aws:iam::123456789012:role/service-role/OtherTeamNotebook';
export const OTHER_ROLE_ID = 'AROAEXAMPLEOTHERTEAM';
export const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
export const KEY_ALIAS = 'alias/notebook-volumes';
export const USER_TAGS = [
  { Key: 'team', Value: 'fraud' },
  { Key: 'cost-center', Value: '4711' },
];
export const ORIGINAL_FILES: ReadonlyMap<string, string> = new Map([
  ['analysis.ipynb', '{"cells": []}'],
  ['data/train.csv', 'a,b\n1,2\n'],
  ['data/empty.txt', ''],
  ['models/model.pkl', 'binary-ish'],
  ['sagemaker-examples/.git/HEAD', 'ref: refs/heads/main'],
]);

export const ORIGINAL_SETTINGS: JsonObject = {
  NotebookInstanceName: NAME,
  NotebookInstanceArn: FakeSageMaker.arn(NAME),
  InstanceType: 'ml.t3.medium',
  RoleArn: ROLE_ARN,
  KmsKeyId: KEY_ARN,
  DirectInternetAccess: 'Enabled',
  VolumeSizeInGB: 50,
  AcceleratorTypes: ['ml.eia2.medium'],
  DefaultCodeRepository: 'https://github.com/aws/sagemaker-examples',
  AdditionalCodeRepositories: ['my-codecommit-repo'],
  RootAccess: 'Disabled',
  PlatformIdentifier: 'notebook-al2-v3',
  InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
  SecurityGroups: [],
  Url: 'mynotebook.notebook.eu-west-1.sagemaker.aws',
};

export const OTHER_VPC = 'vpc-0bbbbbbbbbbbbbbbb';
export const PREFIX = 'sagemaker-notebook-vpc-guard';

/** What the stack deploys into the check document: its bucket and the rule's default parameters. */
export const DEPLOYED_SETTINGS: TrustedSettings = {
  BackupBucketName: BUCKET,
  BackupPrefix: PREFIX,
  Rule: {
    RequireDirectInternetAccessDisabled: 'true',
    RequirePrivateSubnet: 'true',
    ForbidOpenIngress: 'false',
  },
};

/** A runbook deployed by hand (dist/): no deployed settings to check against. */
export const HAND_DEPLOYED: TrustedSettings = {};

/** The documents Systems Manager holds: the runbook's check document, with these deployed settings. */
export function deploy(aws: FakeAws, settings: TrustedSettings = DEPLOYED_SETTINGS): void {
  aws.ssm.documents.set(CHECK_DOCUMENT_NAME_DEFAULT, withSettings(CHECK_DOCUMENT, settings));
}

export function newAccount(settings: TrustedSettings = DEPLOYED_SETTINGS): FakeAws {
  const aws = new FakeAws();
  aws.subnets.set(TARGET_SUBNET, { VpcId: TARGET_VPC, AvailabilityZone: 'eu-west-1a', reachesS3: true });
  aws.subnets.set(OTHER_SUBNET, { VpcId: OTHER_VPC, AvailabilityZone: 'eu-west-1b', reachesS3: true });
  for (const group of TARGET_GROUPS) aws.securityGroups.set(group, TARGET_VPC);
  aws.securityGroups.set(OTHER_GROUP, OTHER_VPC);
  // Private subnets: each VPC's main route table has no route to an internet gateway.
  for (const vpc of [TARGET_VPC, OTHER_VPC]) {
    aws.routeTables.push({
      RouteTableId: `rtb-${vpc.slice(4)}`,
      VpcId: vpc,
      Associations: [{ Main: true }],
      Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' }],
    });
  }
  aws.s3.buckets.set(BUCKET, new Map());
  aws.iam.roleIds.set(ROLE_ARN, ROLE_ID);
  aws.iam.roleIds.set(OTHER_ROLE_ARN, OTHER_ROLE_ID);
  // The automation role may pass the notebook's role and use its key (the stack's settings allow them).
  aws.iam.passableRoles.add(ROLE_ARN);
  aws.iam.usableKeys.add(KEY_ARN);
  deploy(aws, settings);
  aws.kms.aliases.set(KEY_ALIAS, KEY_ARN);
  aws.sagemaker.lifecycleConfigs.set(OWN_CONFIG, {
    OnStart: [{ Content: Buffer.from('#!/bin/bash\necho customer setup\n').toString('base64') }],
  });
  return aws;
}

export interface NotebookOverrides {
  readonly status?: string;
  readonly settings?: JsonObject;
  readonly lifecycleConfigName?: string | null;
  /** Besides USER_TAGS (e.g. a CloudFormation stack's or a Terraform marker). */
  readonly tags?: readonly { Key: string; Value: string }[];
  readonly volume?: ReadonlyMap<string, string>;
}

export function addNotebook(aws: FakeAws, overrides: NotebookOverrides = {}): Notebook {
  const notebook: Notebook = {
    settings: { ...ORIGINAL_SETTINGS, ...overrides.settings },
    status: overrides.status ?? 'InService',
    volume: new Map(overrides.volume ?? ORIGINAL_FILES),
    tags: [...USER_TAGS, ...(overrides.tags ?? [])],
    createdAt: aws.clock.now,
    jupyter: 'running',
  };
  const config = overrides.lifecycleConfigName === undefined ? OWN_CONFIG : overrides.lifecycleConfigName;
  if (config) notebook.lifecycleConfigName = config;
  aws.sagemaker.notebooks.set(String(notebook.settings.NotebookInstanceName), notebook);
  return notebook;
}

/** Tags CloudFormation puts on what a stack creates (when they reach the resource type). */
export const STACK_TAGS = [
  { Key: 'aws:cloudformation:stack-name', Value: 'analytics-prod' },
  {
    Key: 'aws:cloudformation:stack-id',
    Value:
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/analytics-prod/0f0e0d0c-1111-2222-3333-444455556666',
  },
  { Key: 'aws:cloudformation:logical-id', Value: 'Notebook' },
];
/** A Terraform marker, as `default_tags` puts it. */
export const TERRAFORM_TAGS = [{ Key: 'ManagedBy', Value: 'terraform' }];

/**
 * The owner's apply after its code changed: the old notebook is gone (deleted, its volume with it) and a new one
 * stands in the target network, made from the same settings (its role included) unless told otherwise. SageMaker
 * clones its default code repository onto the new volume.
 */
export function replaceAsOwner(
  aws: FakeAws,
  overrides: {
    name?: string;
    settings?: JsonObject;
    volume?: ReadonlyMap<string, string>;
    tags?: readonly { Key: string; Value: string }[];
  } = {},
): Notebook {
  aws.sagemaker.notebooks.delete(NAME);
  aws.clock.advance(600);
  const name = overrides.name ?? NAME;
  return addNotebook(aws, {
    settings: {
      NotebookInstanceName: name,
      NotebookInstanceArn: FakeSageMaker.arn(name),
      SubnetId: TARGET_SUBNET,
      SecurityGroups: TARGET_GROUPS,
      DirectInternetAccess: 'Disabled',
      ...overrides.settings,
    },
    volume: overrides.volume ?? new Map([['sagemaker-examples/.git/HEAD', 'ref: refs/heads/main']]),
    ...(overrides.tags && { tags: overrides.tags }),
  });
}

export const PARAMETERS: ParameterValues = {
  NotebookInstanceName: NAME,
  SubnetId: TARGET_SUBNET,
  SecurityGroupIds: TARGET_GROUPS,
  BackupBucketName: BUCKET,
  AutomationAssumeRole: 'arn:aws:iam::123456789012:role/NotebookVpcGuardRemediation',
};

let executions = 0;

/** Runs the shipped runbook against `aws`; each call is a new execution id. */
export async function remediate(
  aws: FakeAws,
  python: PythonBridge,
  parameters: Partial<Record<string, string | readonly string[]>> = {},
  options: Omit<RunOptions, 'parameters' | 'executionId'> = {},
): Promise<Execution> {
  executions += 1;
  const executionId = `${String(executions).padStart(8, '0')}-aaaa-4bbb-8ccc-dddddddddddd`;
  const merged = Object.fromEntries(
    Object.entries({ ...PARAMETERS, ...parameters }).filter(
      (entry): entry is [string, string | readonly string[]] => entry[1] !== undefined,
    ),
  );
  return new Interpreter(RUNBOOK, aws, python).run({ parameters: merged, executionId, ...options });
}

/** The objects under the bucket whose key ends with `suffix`. */
export function objectsEndingWith(aws: FakeAws, suffix: string): JsonObject[] {
  return aws.s3
    .keys(BUCKET, '')
    .filter((key) => key.endsWith(suffix))
    .map((key) => JSON.parse(aws.s3.get(BUCKET, key) ?? '{}') as JsonObject);
}

/**
 * One Python bridge for the test file that calls this: started before its tests (failing them all when it
 * cannot start), closed after them. Gate the file's suites with withBoto3 (test/support/needs-python.ts).
 * Returns a getter because the bridge exists only once the hook has run.
 */
export function pythonBridgePerFile(): () => PythonBridge {
  let bridge: PythonBridge | undefined;
  beforeAll(async () => {
    bridge = new PythonBridge({ interpreter: interpreterFor(inject('python'), 'boto3') });
    await bridge.ready;
  });
  afterAll(() => bridge?.close());
  return () => {
    if (!bridge) throw new Error('the Python bridge starts in beforeAll: use it inside tests or hooks');
    return bridge;
  };
}

export { PythonBridge };
