/**
 * The conformance pack: dist/conformance-pack.yaml's structure, parameter names and size, and the
 * `conformance-pack` deployment, which deploys that same body instead of the stand-alone rule.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PARAMETER_NAMES as RULE_PARAMETER_NAMES } from '../../rule/parameters';
import {
  conformancePack,
  MAX_PACK_TEMPLATE_BYTES,
  PACK_PARAMETERS,
  PACK_REMEDIATION_ID,
  PACK_RULE_ID,
  type PackTemplate,
} from '../../stack/detection/conformance-pack';
import { resolveSettings } from '../../stack/settings/index';
import { MODES, onlyResource, resourcesOfType, SECURITY_GROUPS, SUBNET, synthesize } from './support';

const packMode = synthesize(MODES.conformancePack);
const noContextPack = conformancePack(resolveSettings(), 'always');
const targetPack = conformancePack(resolveSettings(MODES.conformancePack), 'always');

describe('pack template', () => {
  it.each([
    ['no context', noContextPack],
    ['a target', targetPack],
  ])('with %s holds only a rule and its remediation configuration', (_case, pack) => {
    const template = parse(pack.yaml) as PackTemplate;
    expect(template).toEqual(pack.template);
    expect(Object.values(template.Resources).map((resource) => resource.Type)).toEqual([
      'AWS::Config::ConfigRule',
      'AWS::Config::RemediationConfiguration',
    ]);
    expect(Object.keys(template).sort()).toEqual(['Conditions', 'Parameters', 'Resources']);
  });

  it('is a CUSTOM_LAMBDA rule whose Lambda ARN is a pack parameter', () => {
    const rule = noContextPack.template.Resources[PACK_RULE_ID]?.Properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(rule.Source).toMatchObject({
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: { Ref: PACK_PARAMETERS.lambdaFunctionArn },
    });
    expect(rule.Scope).toEqual({ ComplianceResourceTypes: ['AWS::SageMaker::NotebookInstance'] });
    expect(noContextPack.template.Parameters[PACK_PARAMETERS.lambdaFunctionArn]?.Default).toBeUndefined();
  });

  it('names every parameter <Rule>Param<Name>, one per rule parameter, within the pack limit of 60', () => {
    const names = Object.keys(noContextPack.template.Parameters);
    for (const name of names) expect(name).toMatch(new RegExp(`^${PACK_RULE_ID}Param[A-Z][A-Za-z0-9]+$`));
    for (const parameter of RULE_PARAMETER_NAMES) expect(names).toContain(`${PACK_RULE_ID}Param${parameter}`);
    expect(names.length).toBeLessThanOrEqual(60);
  });

  it('passes each rule parameter from its pack parameter, leaving out empty optional ones', () => {
    const rule = noContextPack.template.Resources[PACK_RULE_ID]?.Properties as {
      InputParameters: Record<string, unknown>;
    };
    expect(Object.keys(rule.InputParameters)).toEqual([...RULE_PARAMETER_NAMES]);
    expect(rule.InputParameters.RequirePrivateSubnet).toEqual({
      Ref: `${PACK_RULE_ID}ParamRequirePrivateSubnet`,
    });
    expect(rule.InputParameters.SubnetIds).toEqual({
      'Fn::If': [
        `${PACK_RULE_ID}ParamSubnetIdsIsSet`,
        { Ref: `${PACK_RULE_ID}ParamSubnetIds` },
        { Ref: 'AWS::NoValue' },
      ],
    });
  });

  it('takes the automation role as a literal-ARN parameter and the runbook by name', () => {
    const remediation = noContextPack.template.Resources[PACK_REMEDIATION_ID];
    expect(remediation?.DependsOn).toBe(PACK_RULE_ID);
    const properties = remediation?.Properties as Record<string, unknown>;
    expect(properties.TargetId).toEqual({ Ref: PACK_PARAMETERS.runbookName });
    expect((properties.Parameters as Record<string, unknown>).AutomationAssumeRole).toEqual({
      StaticValue: { Values: [{ Ref: PACK_PARAMETERS.automationAssumeRole }] },
    });
    expect(properties.Automatic).toBe(false);
  });

  it('without a target, asks for subnet and first security group when deployed; with one, defaults to it', () => {
    const parameter = (pack: typeof noContextPack, name: string) => pack.template.Parameters[name]?.Default;
    expect(parameter(noContextPack, PACK_PARAMETERS.remediationSubnetId)).toBeUndefined();
    expect(parameter(noContextPack, `${PACK_RULE_ID}ParamRemediationSecurityGroupId1`)).toBeUndefined();
    expect(parameter(noContextPack, `${PACK_RULE_ID}ParamRemediationSecurityGroupId2`)).toBe('');
    expect(parameter(targetPack, PACK_PARAMETERS.remediationSubnetId)).toBe(SUBNET);
    expect(parameter(targetPack, `${PACK_RULE_ID}ParamRemediationSecurityGroupId1`)).toBe(SECURITY_GROUPS[0]);
    expect(parameter(targetPack, `${PACK_RULE_ID}ParamRemediationSecurityGroupId2`)).toBe(SECURITY_GROUPS[1]);
    expect(parameter(targetPack, PACK_PARAMETERS.remediationDirectInternetAccess)).toBe('Disabled');
  });

  it('keeps every remediation parameter a resource value or a static value, never both, at most 25', () => {
    const properties = targetPack.template.Resources[PACK_REMEDIATION_ID]?.Properties as {
      Parameters: Record<string, object>;
    };
    const parameters = Object.values(properties.Parameters);
    expect(parameters.length).toBeLessThanOrEqual(25);
    for (const parameter of parameters) expect(Object.keys(parameter)).toHaveLength(1);
  });

  it('stays under the 51,200-byte inline limit, even with every list at its longest', () => {
    const longest = conformancePack(
      resolveSettings({
        ...MODES.automatic,
        remediationSecurityGroupIds: ['1', '2', '3', '4', '5'].map((n) => `sg-0000000000000000${n}`),
        ruleParameters: {
          subnetIds: Array.from({ length: 50 }, (_, n) => `subnet-${String(n).padStart(17, '0')}`),
          vpcIds: Array.from({ length: 50 }, (_, n) => `vpc-${String(n).padStart(17, '0')}`),
          exemptionTagKey: 'k'.repeat(128),
        },
        remediationSubnetId: `subnet-${'0'.repeat(17)}`,
      }),
      'always',
    );
    expect(Buffer.byteLength(longest.yaml)).toBeLessThan(MAX_PACK_TEMPLATE_BYTES);
    expect(Buffer.byteLength(noContextPack.yaml)).toBeLessThan(MAX_PACK_TEMPLATE_BYTES);
  });
});

describe('conformance-pack deployment', () => {
  const { json, guard } = packMode;
  const [, pack] = onlyResource(json, 'AWS::Config::ConformancePack');

  it('deploys the pack instead of the stand-alone rule and remediation', () => {
    expect(resourcesOfType(json, 'AWS::Config::ConfigRule')).toEqual([]);
    expect(resourcesOfType(json, 'AWS::Config::RemediationConfiguration')).toEqual([]);
    expect(pack.ConformancePackName).toBe('sagemaker-notebook-vpc-guard');
  });

  it('deploys exactly dist/conformance-pack.yaml', () => {
    expect(pack.TemplateBody).toBe(guard.conformancePack.yaml);
  });

  it('binds the Lambda, runbook, automation role and bucket as literal values CloudFormation resolves', () => {
    const values = Object.fromEntries(
      (pack.ConformancePackInputParameters as { ParameterName: string; ParameterValue: unknown }[]).map(
        (p) => [p.ParameterName, JSON.stringify(p.ParameterValue)],
      ),
    );
    expect(Object.keys(values).sort()).toEqual(
      [
        PACK_PARAMETERS.lambdaFunctionArn,
        PACK_PARAMETERS.runbookName,
        PACK_PARAMETERS.automationAssumeRole,
        PACK_PARAMETERS.backupBucketName,
      ].sort(),
    );
    expect(values[PACK_PARAMETERS.lambdaFunctionArn]).toMatch(/GetAtt.*RuleFunction.*Arn/);
    expect(values[PACK_PARAMETERS.automationAssumeRole]).toMatch(/GetAtt.*AutomationRole.*Arn/);
  });

  it('is created after Config may invoke the Lambda and the runbook can act', () => {
    const [packId] = onlyResource(json, 'AWS::Config::ConformancePack');
    const dependsOn = json.Resources[packId]?.DependsOn ?? [];
    const [permissionId] = onlyResource(json, 'AWS::Lambda::Permission');
    expect(dependsOn).toContain(permissionId);
    expect(dependsOn.some((id) => /AutomationRoleDefaultPolicy/.test(id))).toBe(true);
    expect(dependsOn.some((id) => /RunbookDocument/.test(id))).toBe(true);
  });

  it('leaves the remediation out of a deployed pack when there is no target to fill it', () => {
    const { json: noTarget } = synthesize({ deployment: 'conformance-pack' });
    const [, deployed] = onlyResource(noTarget, 'AWS::Config::ConformancePack');
    expect(String(deployed.TemplateBody)).not.toContain('AWS::Config::RemediationConfiguration');
  });
});
