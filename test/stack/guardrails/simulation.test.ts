/**
 * The guardrails decide like the rule. Every notebook of the bundled example account is "created again":
 * its creation request (subnet, security groups, direct internet access, root access, as request context keys)
 * runs through a real IAM policy simulator with the guardrail as an SCP and, separately, as an identity policy
 * beside an allow-all policy. The decision must agree with the rule's verdict on the same notebook for the
 * checks the guardrails claim to enforce (the rule with the others turned off); the checks they do not claim
 * are shown to be left to the rule; and the runbook's own create request is allowed.
 */
import { describe, expect, it } from 'vitest';
import type { InventoryNotebook } from '../../../offline/inventory';
import { evaluateNotebook } from '../../../rule/evaluate';
import { type Notebook, notebookFromDescription } from '../../../rule/notebook';
import { type RuleParameters, toRuleParameters } from '../../../rule/parameters';
import {
  type GuardrailSettings,
  guardrailCoverage,
  guardrailPolicies,
  type RuleCheck,
  SIDS,
} from '../../../stack/guardrails';
import { withBoto3 } from '../../support/needs-python';
import {
  AUTOMATION_ROLE,
  type Caller,
  type CreateRequest,
  DATA_SCIENTIST,
  EXAMPLE,
  EXAMPLE_RULE,
  EXAMPLE_SETTINGS,
  EXAMPLE_TARGET,
  originalCreateRequests,
  type PolicyPlacement,
  runbookCreateRequests,
  simulateContext,
  simulateCreate,
  subnetsOfVpcs,
  vpcOfSubnet,
} from './support';

const WITH_VPC_SUBNETS: GuardrailSettings = {
  ...EXAMPLE_SETTINGS,
  approvedVpcSubnetIds: subnetsOfVpcs(EXAMPLE_RULE.vpcIds ?? []),
};
const SUBNETS_WITH_INTERNET: GuardrailSettings = {
  rule: toRuleParameters({
    SubnetIds: 'subnet-0aa11bb22cc33dd44,subnet-0aa11bb22cc33dd55,subnet-0bb22cc33dd44ee66',
    RequireDirectInternetAccessDisabled: 'false',
  }),
  remediationTarget: EXAMPLE_TARGET,
};
const SETTINGS: [string, GuardrailSettings][] = [
  ["the example's own settings (VpcIds, its subnets not listed)", EXAMPLE_SETTINGS],
  ["the example's settings with the approved VPC's subnets listed", WITH_VPC_SUBNETS],
  ['approved subnets, direct internet access allowed', SUBNETS_WITH_INTERNET],
];
const PLACEMENTS: PolicyPlacement[] = ['scp', 'identity'];

/** The rule as the guardrails claim to enforce it: every check their coverage says is not enforced, off. */
function claimedRule(settings: GuardrailSettings): RuleParameters {
  const off = new Set(
    guardrailCoverage(settings).flatMap((coverage) => ('notEnforced' in coverage ? [coverage.check] : [])),
  );
  const { vpcIds, exemptionTagKey, ...rule } = settings.rule;
  return {
    ...rule,
    ...(vpcIds && !off.has('VpcIds') && { vpcIds }),
    ...(exemptionTagKey && !off.has('ExemptionTagKey') && { exemptionTagKey }),
    requirePrivateSubnet: rule.requirePrivateSubnet && !off.has('RequirePrivateSubnet'),
    forbidOpenIngress: rule.forbidOpenIngress && !off.has('ForbidOpenIngress'),
  };
}

function asRuleSeesIt(notebook: InventoryNotebook): Notebook {
  const { Tags, CreationTime: _c, LastModifiedTime: _m, ...description } = notebook;
  return notebookFromDescription(description, Tags ?? []);
}

function requestLabel(request: CreateRequest): string {
  return request.DirectInternetAccess ? '' : ' (DirectInternetAccess omitted)';
}

describe.each(SETTINGS)('with %s', (_name, settings) => {
  const { scp, iamPolicy } = guardrailPolicies(settings);
  const rule = claimedRule(settings);
  const rows = EXAMPLE.notebooks.flatMap((notebook) =>
    originalCreateRequests(notebook).map((request) => {
      const seen = asRuleSeesIt(notebook);
      const facts = seen.subnetId ? { vpcId: vpcOfSubnet(seen.subnetId) } : {};
      const verdict = evaluateNotebook(seen, facts, rule).compliance;
      return { label: `${notebook.NotebookInstanceName}${requestLabel(request)}`, request, verdict };
    }),
  );

  describe.each(PLACEMENTS)('as %s', (placement) => {
    const guardrail = placement === 'scp' ? scp : iamPolicy;
    it.each(rows)('$label: the rule finds it $verdict', async ({ request, verdict }) => {
      const decision = await simulateCreate(guardrail, placement, request);
      expect(decision.allowed).toBe(verdict === 'COMPLIANT');
    });

    withBoto3.it("allows the runbook's own create request for every notebook, tags included", async () => {
      const requests = runbookCreateRequests(EXAMPLE.notebooks, EXAMPLE_TARGET);
      expect(requests).toHaveLength(EXAMPLE.notebooks.length);
      for (const request of requests) {
        expect(request).toMatchObject({
          SubnetId: EXAMPLE_TARGET.subnetId,
          SecurityGroupIds: EXAMPLE_TARGET.securityGroupIds,
          DirectInternetAccess: 'Disabled',
        });
        expect(await simulateCreate(guardrail, placement, request, { principal: AUTOMATION_ROLE })).toEqual({
          allowed: true,
          deniedBy: [],
        });
      }
    });
  });
});

describe("which statement denies what, with the example's settings", () => {
  const { scp } = guardrailPolicies(EXAMPLE_SETTINGS);
  const expected: Record<string, readonly string[]> = {
    'fraud-model-training': [],
    'quick-prototype': [SIDS.directInternetAccessEnabled, SIDS.withoutSubnet],
    'churn-analysis': [SIDS.directInternetAccessEnabled],
    'marketing-dashboards': [],
    'sandbox-experiments': [],
    'genomics-ipv6': [],
    'legacy-etl-notebook': [],
    'support-debugging': [],
    'vision-labeling': [],
    'intern-playground': [SIDS.directInternetAccessEnabled],
    // Tagged with the exemption tag key: a data scientist may not set it either.
    'hr-attrition-model': [SIDS.exemptionTag, SIDS.directInternetAccessEnabled, SIDS.withoutSubnet],
    'recsys-feature-store': [],
    'DataScience-Team-Lab': [],
  };

  it('covers every example notebook', () => {
    expect(Object.keys(expected).sort()).toEqual(EXAMPLE.notebooks.map((n) => n.NotebookInstanceName).sort());
  });

  it.each(EXAMPLE.notebooks)('$NotebookInstanceName', async (notebook) => {
    const [request] = originalCreateRequests(notebook);
    if (!request) throw new Error('no request');
    expect((await simulateCreate(scp, 'scp', request)).deniedBy).toEqual(
      expected[notebook.NotebookInstanceName],
    );
  });

  it('denies an omitted DirectInternetAccess (the API default, Enabled) by the Null statement too', async () => {
    const decision = await simulateContext(scp, 'scp', { 'sagemaker:VpcSubnets': [EXAMPLE_TARGET.subnetId] });
    expect(decision.deniedBy).toEqual([SIDS.directInternetAccessByDefault, SIDS.directInternetAccessEnabled]);
  });
});

describe('multivalued keys, with every list approved', () => {
  const { scp } = guardrailPolicies({
    ...WITH_VPC_SUBNETS,
    approvedSecurityGroupIds: ['sg-0d1e2f3a4b5c6d7f9'],
  });
  const disabled = { 'sagemaker:DirectInternetAccess': 'Disabled' };
  const approvedGroups = {
    'sagemaker:VpcSecurityGroupIds': ['sg-0d1e2f3a4b5c6d7e8', 'sg-0d1e2f3a4b5c6d7f9'],
  };
  const cases: [string, Record<string, string | string[]>, readonly string[]][] = [
    [
      'an approved subnet and approved groups',
      { 'sagemaker:VpcSubnets': ['subnet-0aa11bb22cc33dd55'], ...approvedGroups },
      [],
    ],
    ['no subnet: only the no-subnet statement', { ...approvedGroups }, [SIDS.withoutSubnet]],
    ['an empty subnet list', { 'sagemaker:VpcSubnets': [], ...approvedGroups }, [SIDS.withoutSubnet]],
    [
      'a subnet outside the list',
      { 'sagemaker:VpcSubnets': ['subnet-0bb22cc33dd44ee55'], ...approvedGroups },
      [SIDS.unapprovedSubnet],
    ],
    [
      'one approved and one other subnet',
      { 'sagemaker:VpcSubnets': ['subnet-0aa11bb22cc33dd55', 'subnet-0bb22cc33dd44ee55'], ...approvedGroups },
      [SIDS.unapprovedSubnet],
    ],
    [
      'one approved and one other group (support-debugging)',
      {
        'sagemaker:VpcSubnets': ['subnet-0aa11bb22cc33dd44'],
        'sagemaker:VpcSecurityGroupIds': ['sg-0d1e2f3a4b5c6d7e8', 'sg-0e2f3a4b5c6d7e8f0'],
      },
      [SIDS.unapprovedSecurityGroup],
    ],
    [
      'no security groups',
      { 'sagemaker:VpcSubnets': ['subnet-0aa11bb22cc33dd44'] },
      [SIDS.withoutSecurityGroup],
    ],
    [
      'an empty security group list',
      { 'sagemaker:VpcSubnets': ['subnet-0aa11bb22cc33dd44'], 'sagemaker:VpcSecurityGroupIds': [] },
      [SIDS.withoutSecurityGroup],
    ],
  ];

  it.each(cases)('%s', async (_name, context, deniedBy) => {
    expect((await simulateContext(scp, 'scp', { ...context, ...disabled })).deniedBy).toEqual(deniedBy);
    expect((await simulateContext(scp, 'identity', { ...context, ...disabled })).deniedBy).toEqual(deniedBy);
  });
});

describe('what the guardrails do not claim, left to the rule', () => {
  const { scp, coverage } = guardrailPolicies(EXAMPLE_SETTINGS);
  /** Notebooks the rule reports for checks no condition can express: creating them again is allowed. */
  const ruleOnly: Record<string, RuleCheck> = {
    'marketing-dashboards': 'RequirePrivateSubnet',
    'sandbox-experiments': 'RequirePrivateSubnet',
    'genomics-ipv6': 'RequirePrivateSubnet',
    'legacy-etl-notebook': 'VpcIds',
    'support-debugging': 'ForbidOpenIngress',
    'vision-labeling': 'ForbidOpenIngress',
  };

  it('lists exactly those checks as not enforced, and the others with the statements enforcing them', () => {
    expect(
      coverage.map((entry) => ['notEnforced' in entry ? 'not enforced' : entry.enforcedBy, entry.check]),
    ).toEqual([
      [[SIDS.withoutSubnet], 'HasSubnet'],
      ['not enforced', 'VpcIds'],
      [
        [SIDS.directInternetAccessByDefault, SIDS.directInternetAccessEnabled],
        'RequireDirectInternetAccessDisabled',
      ],
      ['not enforced', 'RequirePrivateSubnet'],
      ['not enforced', 'ForbidOpenIngress'],
      ['not enforced', 'ExemptionTagKey'],
    ]);
  });

  it('allows again exactly the non-compliant notebooks that fail only those checks', async () => {
    const allowedButReported: string[] = [];
    for (const notebook of EXAMPLE.notebooks) {
      const [request] = originalCreateRequests(notebook);
      if (!request) throw new Error('no request');
      const { allowed } = await simulateCreate(scp, 'scp', request);
      if (allowed && notebook.expectedCompliance === 'NON_COMPLIANT') {
        allowedButReported.push(notebook.NotebookInstanceName);
      }
    }
    expect(allowedButReported.sort()).toEqual(Object.keys(ruleOnly).sort());
    const notEnforced = coverage.flatMap((entry) => ('notEnforced' in entry ? [entry.check] : []));
    for (const check of Object.values(ruleOnly)) expect(notEnforced).toContain(check);
  });

  it('denies the exempt notebook the rule skips: an exemption tag is not honoured at creation', async () => {
    const exempt = EXAMPLE.notebooks.find((notebook) => notebook.expectedCompliance === 'NOT_APPLICABLE');
    const [request] = exempt ? originalCreateRequests(exempt) : [];
    if (!request) throw new Error('the example has no exempt notebook');
    expect((await simulateCreate(scp, 'scp', request)).allowed).toBe(false);
  });
});

describe('owners cannot exempt themselves (issue 9 §8)', () => {
  const ADMIN = `arn:aws:iam::${EXAMPLE.accountId}:role/SecurityAdmin`;
  const SSO_ADMIN = `arn:aws:iam::${EXAMPLE.accountId}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_SecurityAdmin_0123456789abcdef`;
  const settings: GuardrailSettings = {
    ...EXAMPLE_SETTINGS,
    exemptionAdminPrincipals: [
      ADMIN,
      'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_SecurityAdmin_*',
    ],
  };
  const { scp, iamPolicy } = guardrailPolicies(settings);
  const exemptionKey = EXAMPLE_RULE.exemptionTagKey ?? '';
  const compliantCreate = {
    'sagemaker:VpcSubnets': [EXAMPLE_TARGET.subnetId],
    'sagemaker:DirectInternetAccess': 'Disabled',
  };
  const tagging = (keys: string[]) => ({ 'aws:TagKeys': keys });
  const cases: [string, Caller, Record<string, string | string[]>, readonly string[]][] = [
    [
      'an owner tags their notebook exempt',
      { action: 'sagemaker:AddTags' },
      tagging([exemptionKey]),
      [SIDS.exemptionTag],
    ],
    [
      'an owner sets the key among other tags, in another case',
      { action: 'sagemaker:AddTags' },
      tagging(['team', exemptionKey.toUpperCase()]),
      [SIDS.exemptionTag],
    ],
    [
      'an owner creates a notebook already exempt, in an approved place',
      {},
      { ...compliantCreate, ...tagging([exemptionKey]) },
      [SIDS.exemptionTag],
    ],
    ['an owner adds other tags', { action: 'sagemaker:AddTags' }, tagging(['team', 'cost-center']), []],
    [
      'an owner creates a compliant notebook with other tags',
      {},
      { ...compliantCreate, ...tagging(['team']) },
      [],
    ],
    [
      'a named admin exempts a notebook',
      { action: 'sagemaker:AddTags', principal: ADMIN },
      tagging([exemptionKey]),
      [],
    ],
    [
      'an admin of the SSO permission set exempts a notebook',
      { action: 'sagemaker:AddTags', principal: SSO_ADMIN },
      tagging([exemptionKey]),
      [],
    ],
    [
      'an admin creates an exempt notebook in an approved place',
      { principal: ADMIN },
      { ...compliantCreate, ...tagging([exemptionKey]) },
      [],
    ],
    [
      'an admin still cannot create an exempt notebook outside a VPC',
      { principal: ADMIN },
      { 'sagemaker:DirectInternetAccess': 'Disabled', ...tagging([exemptionKey]) },
      [SIDS.withoutSubnet],
    ],
    [
      'the runbook carries the tag over when it recreates an exempt notebook',
      { principal: AUTOMATION_ROLE },
      { ...compliantCreate, ...tagging([exemptionKey]) },
      [],
    ],
    [
      'a role named like the automation role but outside its path',
      {
        action: 'sagemaker:AddTags',
        principal: `arn:aws:iam::${EXAMPLE.accountId}:role/Test-AutomationRole-1A2B3C`,
      },
      tagging([exemptionKey]),
      [SIDS.exemptionTag],
    ],
  ];

  describe.each(PLACEMENTS)('as %s', (placement) => {
    const guardrail = placement === 'scp' ? scp : iamPolicy;
    it.each(cases)('%s', async (_name, caller, context, deniedBy) => {
      const decision = await simulateContext(guardrail, placement, context, 'hr-attrition-model', caller);
      expect(decision).toEqual({ allowed: deniedBy.length === 0, deniedBy });
    });
  });

  it('without exemptionAdminPrincipals, only the runbook may set the tag', async () => {
    const { scp: strict } = guardrailPolicies(EXAMPLE_SETTINGS);
    const addTag = (principal: string) =>
      simulateContext(strict, 'scp', tagging([exemptionKey]), 'hr-attrition-model', {
        action: 'sagemaker:AddTags',
        principal,
      });
    expect((await addTag(ADMIN)).deniedBy).toEqual([SIDS.exemptionTag]);
    expect((await addTag(DATA_SCIENTIST)).deniedBy).toEqual([SIDS.exemptionTag]);
    expect((await addTag(AUTOMATION_ROLE)).allowed).toBe(true);
  });

  it('has no exemption statement when the rule has no ExemptionTagKey', () => {
    const { exemptionTagKey: _key, ...rule } = EXAMPLE_RULE;
    const { scp: withoutKey } = guardrailPolicies({ ...EXAMPLE_SETTINGS, rule });
    expect(withoutKey.Statement.map((statement) => statement.Sid)).not.toContain(SIDS.exemptionTag);
  });
});
