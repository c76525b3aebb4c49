import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMETERS,
  InvalidParameterError,
  PARAMETER_NAMES,
  parseRuleParameters,
  toInputParameters,
  toRuleParameters,
} from '../../rule/parameters';

const SUBNET_A = 'subnet-0a1b2c3d4e5f60718';
const SUBNET_B = 'subnet-12345678';
const VPC_A = 'vpc-0aa11bb22cc33dd44';

function errorOf(run: () => unknown): InvalidParameterError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidParameterError) return error;
    throw error;
  }
  throw new Error('expected an InvalidParameterError');
}

describe('parseRuleParameters', () => {
  it.each([undefined, '', '  ', '{}'])('uses the defaults for %j', (ruleParameters) => {
    expect(parseRuleParameters(ruleParameters)).toEqual(DEFAULT_PARAMETERS);
    expect(DEFAULT_PARAMETERS).toEqual({
      requireDirectInternetAccessDisabled: true,
      requirePrivateSubnet: true,
      forbidOpenIngress: false,
    });
  });

  it('reads every parameter', () => {
    const parameters = parseRuleParameters(
      JSON.stringify({
        SubnetIds: `${SUBNET_A},${SUBNET_B}`,
        VpcIds: VPC_A,
        RequireDirectInternetAccessDisabled: 'false',
        RequirePrivateSubnet: 'FALSE',
        ForbidOpenIngress: 'True',
        ExemptionTagKey: 'vpc-guard:exempt',
        IacOwnershipTagKeys: 'aws:cloudformation:stack-name, ManagedBy=terraform,iac-repo',
      }),
    );
    expect(parameters).toEqual({
      subnetIds: [SUBNET_A, SUBNET_B],
      vpcIds: [VPC_A],
      requireDirectInternetAccessDisabled: false,
      requirePrivateSubnet: false,
      forbidOpenIngress: true,
      exemptionTagKey: 'vpc-guard:exempt',
      iacOwnershipTagKeys: ['aws:cloudformation:stack-name', 'ManagedBy=terraform', 'iac-repo'],
    });
  });

  it('ignores empty CSV entries and surrounding spaces, and de-duplicates', () => {
    const parameters = parseRuleParameters(
      JSON.stringify({ SubnetIds: ` ${SUBNET_A} ,, ${SUBNET_B},${SUBNET_A}, ` }),
    );
    expect(parameters.subnetIds).toEqual([SUBNET_A, SUBNET_B]);
  });

  it('treats an empty value as not set (conformance packs pass "" for blank parameters)', () => {
    expect(
      parseRuleParameters(
        JSON.stringify({
          SubnetIds: '',
          VpcIds: ' , ',
          ForbidOpenIngress: '',
          ExemptionTagKey: ' ',
          IacOwnershipTagKeys: ' , ',
        }),
      ),
    ).toEqual(DEFAULT_PARAMETERS);
  });

  it('accepts JSON booleans from tools that send them', () => {
    expect(parseRuleParameters('{"ForbidOpenIngress": true, "RequirePrivateSubnet": false}')).toMatchObject({
      forbidOpenIngress: true,
      requirePrivateSubnet: false,
    });
  });

  it.each(['subnetIds', 'SubnetID', 'RequirePrivateSubnets'])(
    'throws on the unknown name %s, naming it (a typo must not weaken the rule)',
    (name) => {
      const error = errorOf(() => parseRuleParameters(JSON.stringify({ [name]: 'x' })));
      expect(error.parameter).toBe(name);
      expect(error.message).toContain('unknown parameter');
      expect(error.message).toContain(PARAMETER_NAMES.join(', '));
    },
  );

  it.each([
    ['SubnetIds', 'subnet-xyz'],
    ['SubnetIds', `${SUBNET_A},vpc-0aa11bb22cc33dd44`],
    ['SubnetIds', 'subnet-0A1B2C3D4E5F60718'],
    ['VpcIds', 'vpc-123'],
    ['VpcIds', SUBNET_A],
  ])('throws on a malformed id in %s (%s)', (name, value) => {
    const error = errorOf(() => parseRuleParameters(JSON.stringify({ [name]: value })));
    expect(error.parameter).toBe(name);
    expect(error.message).toMatch(/malformed id/);
  });

  it.each([
    ['RequireDirectInternetAccessDisabled', 'yes'],
    ['RequirePrivateSubnet', '1'],
    ['ForbidOpenIngress', 'flase'],
    ['ForbidOpenIngress', 0],
  ])('throws on a bad boolean in %s (%j)', (name, value) => {
    const error = errorOf(() => parseRuleParameters(JSON.stringify({ [name]: value })));
    expect(error.parameter).toBe(name);
    expect(error.message).toContain('must be true or false');
  });

  it.each([
    ['not json', 'ruleParameters'],
    ['[]', 'ruleParameters'],
    ['"SubnetIds"', 'ruleParameters'],
    ['{"SubnetIds": ["subnet-0a1b2c3d4e5f60718"]}', 'SubnetIds'],
    ['{"ExemptionTagKey": 5}', 'ExemptionTagKey'],
  ])('throws on a malformed document %s', (text, parameter) => {
    expect(errorOf(() => parseRuleParameters(text)).parameter).toBe(parameter);
  });

  it.each([['=terraform'], ['ManagedBy='], ['tag;rm -rf'], [`${'k'.repeat(129)}=v`]])(
    'throws on a malformed ownership marker in IacOwnershipTagKeys (%s)',
    (marker) => {
      const error = errorOf(() => toRuleParameters({ IacOwnershipTagKeys: `ManagedBy=terraform,${marker}` }));
      expect(error.parameter).toBe('IacOwnershipTagKeys');
      expect(error.message).toMatch(/malformed marker/);
    },
  );

  it('rejects a tag key longer than AWS allows', () => {
    expect(errorOf(() => toRuleParameters({ ExemptionTagKey: 'k'.repeat(129) })).parameter).toBe(
      'ExemptionTagKey',
    );
    expect(toRuleParameters({ ExemptionTagKey: 'k'.repeat(128) }).exemptionTagKey).toHaveLength(128);
  });

  it('keeps error messages short for huge inputs', () => {
    const error = errorOf(() =>
      parseRuleParameters(JSON.stringify({ VpcIds: `vpc-${'z'.repeat(100_000)}` })),
    );
    expect(error.message.length).toBeLessThan(300);
  });

  it('round-trips through toInputParameters', () => {
    const parameters = toRuleParameters({
      SubnetIds: SUBNET_A,
      VpcIds: VPC_A,
      ForbidOpenIngress: 'true',
      ExemptionTagKey: 'exempt',
      IacOwnershipTagKeys: 'ManagedBy=terraform,iac-repo',
    });
    expect(toRuleParameters(toInputParameters(parameters))).toEqual(parameters);
    expect(toInputParameters(DEFAULT_PARAMETERS)).toEqual({
      RequireDirectInternetAccessDisabled: 'true',
      RequirePrivateSubnet: 'true',
      ForbidOpenIngress: 'false',
    });
  });
});
