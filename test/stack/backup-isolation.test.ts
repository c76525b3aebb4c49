/**
 * §1: one notebook role cannot touch another's backup. The synthesized bucket policy, the notebook role policy
 * and AmazonSageMakerFullAccess's S3 statements (what console-created notebook roles carry: their grant matches
 * any bucket named `*sagemaker*`, as the stack's is) run through a real IAM policy simulator
 * (@cloud-copilot/iam-simulate, test-only) for two notebook roles' sessions, another team's role, an admin and the
 * runbook's automation role.
 */
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import {
  onlyResource,
  roleIdOf,
  roleStatements,
  type Statement,
  synthesize,
  type TemplateJson,
} from './support';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const PREFIX = 'sagemaker-notebook-vpc-guard';
/** What CloudFormation names the stack's bucket here: the stack's name is in it, so it matches `*sagemaker*`. */
const BUCKET = 'sagemaker-notebook-vpc-guard-backupsbucketdf9c4eb2-1a2b3c4d5e6f';
const FULL_ACCESS = (
  JSON.parse(
    readFileSync(new URL('../fixtures/amazon-sagemaker-full-access-s3.json', import.meta.url), 'utf8'),
  ) as { Policy: unknown }
).Policy;

const { json } = synthesize({});
const [bucketId] = onlyResource(json, 'AWS::S3::Bucket');
const [keyId] = onlyResource(json, 'AWS::KMS::Key');
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-4333-8444-555555555555`;
const [, bucketPolicy] = onlyResource(json, 'AWS::S3::BucketPolicy');
const [, notebookRolePolicy] = onlyResource(json, 'AWS::IAM::ManagedPolicy');
const automationRoleId = Object.keys(json.Resources).find(
  (id) => json.Resources[id]?.Type === 'AWS::IAM::Role' && id.includes('AutomationRole'),
) as string;
const AUTOMATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/sagemaker-notebook-vpc-guard-AutomationRole`;

/** The template's values as deployed in ACCOUNT and REGION, the bucket and role named as above. */
function deployed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deployed);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const references: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    [bucketId]: BUCKET,
  };
  if (typeof object.Ref === 'string') return references[object.Ref] ?? object.Ref;
  const getAtt = object['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt?.[0] === bucketId) return `arn:aws:s3:::${BUCKET}`;
  if (getAtt?.[0] === automationRoleId) return AUTOMATION_ROLE;
  if (getAtt?.[0] === keyId) return KEY;
  const join = object['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(deployed).join(join[0]);
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, deployed(item)]));
}

const BUCKET_POLICY = deployed(bucketPolicy.PolicyDocument) as { Statement: Statement[] };
const NOTEBOOK_ROLE_POLICY = deployed(notebookRolePolicy.PolicyDocument);

interface Caller {
  readonly role: string;
  /** aws:userid of its session: `<role unique id>:<session>`. */
  readonly userId: string;
  readonly policies: readonly unknown[];
}

const notebookRole = (team: string, roleId: string): Caller => ({
  role: `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-${team}`,
  userId: `${roleId}:SageMaker`,
  policies: [NOTEBOOK_ROLE_POLICY, FULL_ACCESS],
});
const TEAM_A = notebookRole('TeamA', 'AROATEAMAAAAAAAAAAAAA');
const TEAM_B = notebookRole('TeamB', 'AROATEAMBBBBBBBBBBBBB');
/** Another team's people: AmazonSageMakerFullAccess, not a notebook role. */
const DATA_SCIENTIST: Caller = {
  role: `arn:aws:iam::${ACCOUNT}:role/DataScientist`,
  userId: 'AROADATASCIENTIST000:alice',
  policies: [FULL_ACCESS],
};
const ADMIN: Caller = {
  role: `arn:aws:iam::${ACCOUNT}:role/Admin`,
  userId: 'AROAADMINISTRATOR000:bob',
  policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }],
};

const areaOf = (caller: Caller) =>
  `${PREFIX}/data/${caller.userId}/MyNotebook/11111111-2222-4333-8444-555555555555/`;
const RUNS = `${PREFIX}/runs/mynotebook/11111111-2222-4333-8444-555555555555/`;

async function decision(
  caller: Caller,
  action: string,
  key: string | undefined,
  context: Record<string, string> = {},
  bucketPolicy: { Statement: Statement[] } = BUCKET_POLICY,
): Promise<'Allowed' | 'Denied'> {
  const result = await runSimulation(
    {
      request: {
        principal: caller.role,
        action,
        resource: {
          resource: key === undefined ? `arn:aws:s3:::${BUCKET}` : `arn:aws:s3:::${BUCKET}/${key}`,
          accountId: ACCOUNT,
        },
        contextVariables: {
          'aws:userid': caller.userId,
          'aws:PrincipalArn': caller.role,
          'aws:PrincipalAccount': ACCOUNT,
          'aws:SecureTransport': 'true',
          ...context,
        },
      },
      identityPolicies: caller.policies.map((policy, index) => ({ name: `policy${index}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: { Version: '2012-10-17', ...bucketPolicy },
    },
    {},
  );
  if (result.resultType !== 'single') throw new Error(`simulation did not run: ${JSON.stringify(result)}`);
  return result.result.analysis.result === 'Allowed' ? 'Allowed' : 'Denied';
}

/** Get, Put, List (with the area as s3:prefix) and Delete on an area. */
async function onArea(caller: Caller, area: string, policy?: { Statement: Statement[] }) {
  const object = `${area}volume.tar`;
  return {
    get: await decision(caller, 's3:GetObject', object, {}, policy),
    put: await decision(caller, 's3:PutObject', object, {}, policy),
    list: await decision(caller, 's3:ListBucket', undefined, { 's3:prefix': area }, policy),
    delete: await decision(caller, 's3:DeleteObject', object, {}, policy),
  };
}

const DENIED = { get: 'Denied', put: 'Denied', list: 'Denied', delete: 'Denied' };

describe("§1 one notebook role cannot touch another's backup", () => {
  it.each([
    ['team A', TEAM_A, TEAM_B],
    ['team B', TEAM_B, TEAM_A],
  ])(
    "§1 %s's notebook role: Get and Put its own area; Get, Put, List and Delete the other's are denied",
    async (_name, caller, other) => {
      expect(await onArea(caller, areaOf(caller))).toMatchObject({
        get: 'Allowed',
        put: 'Allowed',
        delete: 'Denied',
      });
      expect(await onArea(caller, areaOf(other))).toEqual(DENIED);
    },
  );

  it("§1 notebook roles cannot read, write or list the runbook's manifests and records, nor delete anything", async () => {
    for (const caller of [TEAM_A, TEAM_B]) {
      expect(await onArea(caller, RUNS)).toEqual(DENIED);
      expect(await decision(caller, 's3:ListBucket', undefined, { 's3:prefix': `${PREFIX}/` })).toBe(
        'Denied',
      );
      expect(await decision(caller, 's3:PutObjectTagging', `${areaOf(caller)}volume.tar`)).toBe('Denied');
    }
  });

  it('§1 another team holding AmazonSageMakerFullAccess, and even an admin, reach no backup: only by changing the policy', async () => {
    for (const caller of [DATA_SCIENTIST, ADMIN]) {
      expect(await onArea(caller, areaOf(TEAM_A))).toEqual(DENIED);
      expect(await onArea(caller, RUNS)).toEqual(DENIED);
    }
  });

  it("§1 only explicit Deny statements can do it: with the bucket policy's Allow statements alone, AmazonSageMakerFullAccess lets team A into team B's area", async () => {
    const allowsOnly = {
      Statement: BUCKET_POLICY.Statement.filter((statement) => statement.Effect === 'Allow'),
    };
    expect(await onArea(TEAM_A, areaOf(TEAM_B), allowsOnly)).toEqual({
      get: 'Allowed',
      put: 'Allowed',
      list: 'Allowed',
      delete: 'Allowed',
    });
  });

  it('§1 the automation role reads and writes the whole prefix, and deletes nothing', async () => {
    const automation: Caller = {
      role: AUTOMATION_ROLE,
      userId: 'AROAAUTOMATIONROLE00:run',
      policies: [
        {
          Version: '2012-10-17',
          Statement: deployed(
            roleStatements(json as TemplateJson, roleIdOf({ 'Fn::GetAtt': [automationRoleId, 'Arn'] })),
          ),
        },
      ],
    };
    for (const area of [areaOf(TEAM_A), RUNS]) {
      expect(await onArea(automation, area)).toEqual({
        get: 'Allowed',
        put: 'Allowed',
        list: 'Allowed',
        delete: 'Denied',
      });
    }
  });
});
