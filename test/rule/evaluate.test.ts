import { describe, expect, it } from 'vitest';
import { MAX_ANNOTATION_LENGTH } from '../../rule/config/report';
import {
  checkNotebook,
  evaluateNotebook,
  factsNeeded,
  MissingFactError,
  type NetworkFacts,
  verdictOf,
} from '../../rule/evaluate';
import { type Notebook, notebookFromConfigurationItem, notebookFromDescription } from '../../rule/notebook';
import { DEFAULT_PARAMETERS, type RuleParameters } from '../../rule/parameters';
import { TRUNCATION_MARKER } from '../../rule/text';
import { apiItem, describeOutput, notificationItem } from '../fixtures/events';

const SUBNET = 'subnet-0a1b2c3d4e5f60718';
const OTHER_SUBNET = 'subnet-0b2c3d4e5f6071829';
const VPC = 'vpc-0aa11bb22cc33dd44';
const OTHER_VPC = 'vpc-0ee55ff66aa77bb88';

const compliantNotebook: Notebook = {
  name: 'fraud-model-dev',
  subnetId: SUBNET,
  securityGroupIds: ['sg-0123456789abcdef0'],
  directInternetAccess: 'Disabled',
  tags: { team: 'fraud' },
};
const privateFacts: NetworkFacts = { vpcId: VPC, internetGatewayRoute: null, openIngress: [] };
const publicRoute = {
  routeTableId: 'rtb-0123456789abcdef0',
  destination: '0.0.0.0/0',
  gatewayId: 'igw-0123456789abcdef0',
};
const strict: RuleParameters = {
  ...DEFAULT_PARAMETERS,
  subnetIds: [SUBNET],
  vpcIds: [VPC],
  forbidOpenIngress: true,
  exemptionTagKey: 'vpc-guard:exempt',
};

describe('evaluateNotebook', () => {
  it('S1: a notebook with the exemption tag is NOT_APPLICABLE, annotated as exempt', () => {
    const exempt = {
      ...compliantNotebook,
      subnetId: undefined,
      tags: { 'vpc-guard:exempt': 'approved by CISO' },
    };
    expect(evaluateNotebook(exempt, {}, strict)).toEqual({
      compliance: 'NOT_APPLICABLE',
      annotation: 'Exempt: tagged vpc-guard:exempt',
    });
  });

  it('S1: the exemption tag key must match exactly (a similar key does not exempt)', () => {
    const similar = { ...compliantNotebook, tags: { 'vpc-guard:Exempt': 'x' } };
    expect(evaluateNotebook(similar, privateFacts, strict).compliance).toBe('COMPLIANT');
    expect(
      evaluateNotebook({ ...compliantNotebook, tags: { 'vpc-guard:exempt': '' } }, {}, strict).compliance,
    ).toBe('NOT_APPLICABLE');
  });

  it('S2: no subnet is NON_COMPLIANT even with every optional check turned off', () => {
    const serviceVpc: Notebook = { ...compliantNotebook, subnetId: undefined, securityGroupIds: [] };
    const lenient: RuleParameters = {
      requireDirectInternetAccessDisabled: false,
      requirePrivateSubnet: false,
      forbidOpenIngress: false,
    };
    expect(evaluateNotebook(serviceVpc, {}, lenient)).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: 'Runs in the SageMaker service VPC (no subnet)',
      failedChecks: ['S2'],
    });
  });

  it('S3: a subnet outside SubnetIds is NON_COMPLIANT, naming the subnet', () => {
    const verdict = evaluateNotebook({ ...compliantNotebook, subnetId: OTHER_SUBNET }, privateFacts, strict);
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: `Subnet ${OTHER_SUBNET} not approved`,
      failedChecks: ['S3'],
    });
  });

  it('S4: a VPC outside VpcIds is NON_COMPLIANT, naming the VPC', () => {
    const verdict = evaluateNotebook(compliantNotebook, { ...privateFacts, vpcId: OTHER_VPC }, strict);
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: `VPC ${OTHER_VPC} not approved`,
      failedChecks: ['S4'],
    });
  });

  it('S5: direct internet access enabled is NON_COMPLIANT when Disabled is required', () => {
    const verdict = evaluateNotebook(
      { ...compliantNotebook, directInternetAccess: 'Enabled' },
      privateFacts,
      strict,
    );
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: 'Direct internet access enabled',
      failedChecks: ['S5'],
    });
  });

  it('S5: a configuration item without DirectInternetAccess counts as Enabled (the API default)', () => {
    const item = notificationItem({ configuration: { DirectInternetAccess: undefined } });
    const notebook = notebookFromConfigurationItem(item.configuration, 'x', {});
    expect(evaluateNotebook(notebook, privateFacts, DEFAULT_PARAMETERS).compliance).toBe('NON_COMPLIANT');
  });

  it('S6: a route to an internet gateway is NON_COMPLIANT, naming the route table, destination and gateway', () => {
    const verdict = evaluateNotebook(
      compliantNotebook,
      { ...privateFacts, internetGatewayRoute: publicRoute },
      strict,
    );
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: `Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0`,
      failedChecks: ['S6'],
    });
  });

  it('S7: open ingress is NON_COMPLIANT when forbidden, naming each group and source, sorted', () => {
    const openIngress = [
      { groupId: 'sg-0fedcba9876543210', cidr: '::/0' },
      { groupId: 'sg-0123456789abcdef0', cidr: '0.0.0.0/0' },
      { groupId: 'sg-0fedcba9876543210', cidr: '0.0.0.0/0' },
    ];
    const verdict = evaluateNotebook(compliantNotebook, { ...privateFacts, openIngress }, strict);
    expect(verdict).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation:
        'Open ingress: sg-0123456789abcdef0 from 0.0.0.0/0, sg-0fedcba9876543210 from 0.0.0.0/0 ::/0',
      failedChecks: ['S7'],
    });
  });

  it('S8: several failures are all named, in a stable order', () => {
    const notebook: Notebook = {
      ...compliantNotebook,
      subnetId: OTHER_SUBNET,
      directInternetAccess: 'Enabled',
    };
    const facts: NetworkFacts = {
      vpcId: OTHER_VPC,
      internetGatewayRoute: publicRoute,
      openIngress: [{ groupId: 'sg-0123456789abcdef0', cidr: '0.0.0.0/0' }],
    };
    const verdict = evaluateNotebook(notebook, facts, strict);
    expect(verdict.compliance).toBe('NON_COMPLIANT');
    expect(verdict.annotation?.split('; ')).toEqual([
      `Subnet ${OTHER_SUBNET} not approved`,
      `VPC ${OTHER_VPC} not approved`,
      'Direct internet access enabled',
      `Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0`,
      'Open ingress: sg-0123456789abcdef0 from 0.0.0.0/0',
    ]);
    expect(verdict.failedChecks).toEqual(['S3', 'S4', 'S5', 'S6', 'S7']);
    expect(verdict.annotation?.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    expect(evaluateNotebook(notebook, facts, strict)).toEqual(verdict);
  });

  it('S8: with many open groups, every check is still named within what Config keeps (256 characters)', () => {
    const openIngress = Array.from({ length: 20 }, (_, i) => ({
      groupId: `sg-0${i.toString(16).padStart(16, '0')}`,
      cidr: '0.0.0.0/0',
    }));
    const everything =
      evaluateNotebook(
        { ...compliantNotebook, subnetId: OTHER_SUBNET, directInternetAccess: 'Enabled' },
        { vpcId: OTHER_VPC, internetGatewayRoute: publicRoute, openIngress },
        strict,
      ).annotation ?? '';
    const kept = everything.slice(0, MAX_ANNOTATION_LENGTH - TRUNCATION_MARKER.length);
    for (const check of [
      'Subnet subnet-0b2c3d4e5f6071829 not approved',
      'VPC vpc-0ee55ff66aa77bb88 not approved',
      'Direct internet access enabled',
      'Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0',
      'Open ingress: sg-',
    ]) {
      expect(kept).toContain(check);
    }
  });

  it('S9: a notebook passing every enabled check is COMPLIANT without an annotation', () => {
    expect(evaluateNotebook(compliantNotebook, privateFacts, strict)).toEqual({ compliance: 'COMPLIANT' });
  });

  it('S10: checks that are off need no facts and report nothing', () => {
    const lenient: RuleParameters = {
      requireDirectInternetAccessDisabled: false,
      requirePrivateSubnet: false,
      forbidOpenIngress: false,
    };
    const notebook: Notebook = { ...compliantNotebook, directInternetAccess: 'Enabled' };
    expect(factsNeeded(notebook, lenient)).toEqual({
      subnetId: SUBNET,
      vpc: false,
      internetGatewayRoute: false,
    });
    expect(evaluateNotebook(notebook, {}, lenient)).toEqual({ compliance: 'COMPLIANT' });
  });

  it('S10: each enabled check asks for exactly its facts', () => {
    expect(factsNeeded(compliantNotebook, DEFAULT_PARAMETERS)).toEqual({
      subnetId: SUBNET,
      vpc: true,
      internetGatewayRoute: true,
    });
    // Open ingress checked on a notebook without groups: looked up as "no groups", not skipped.
    expect(factsNeeded({ ...compliantNotebook, securityGroupIds: [] }, strict).securityGroupIds).toEqual([]);
    expect(
      factsNeeded(compliantNotebook, {
        ...DEFAULT_PARAMETERS,
        requirePrivateSubnet: false,
        forbidOpenIngress: true,
      }),
    ).toEqual({
      subnetId: SUBNET,
      vpc: false,
      internetGatewayRoute: false,
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    expect(factsNeeded({ ...compliantNotebook, subnetId: undefined }, strict).subnetId).toBeUndefined();
  });

  it.each([
    ['VpcIds', { vpcId: undefined }],
    ['RequirePrivateSubnet', { internetGatewayRoute: undefined }],
    ['ForbidOpenIngress', { openIngress: undefined }],
  ])('S11: a missing fact for %s throws instead of passing the check', (_check, missing) => {
    expect(() => evaluateNotebook(compliantNotebook, { ...privateFacts, ...missing }, strict)).toThrow(
      MissingFactError,
    );
  });
});

describe('S12: a NON_COMPLIANT notebook its code owns says where to fix it', () => {
  const outside: Notebook = { ...compliantNotebook, subnetId: undefined, directInternetAccess: 'Enabled' };
  const checks = 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled';
  const withTags = (tags: Record<string, string>) => ({ ...outside, tags });

  it('S12: without an ownership tag the annotation is the checks alone', () => {
    expect(evaluateNotebook(withTags({ team: 'fraud', Owner: 'terraform-team' }), {}, strict)).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: checks,
      failedChecks: ['S2', 'S5'],
    });
  });

  it('S12: CloudFormation (and so CDK): the stack, from its name tag or else its id', () => {
    const stack = {
      'aws:cloudformation:stack-name': 'analytics-prod',
      'aws:cloudformation:logical-id': 'Lab',
    };
    expect(evaluateNotebook(withTags(stack), {}, strict).annotation).toBe(
      `${checks}; managed by CloudFormation stack analytics-prod: fix the template`,
    );
    const id =
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/analytics-dev/0f0e0d0c-1111-2222-3333-444455556666';
    expect(evaluateNotebook(withTags({ 'aws:cloudformation:stack-id': id }), {}, strict).annotation).toBe(
      `${checks}; managed by CloudFormation stack analytics-dev: fix the template`,
    );
    expect(
      evaluateNotebook(withTags({ 'aws:cloudformation:logical-id': 'Lab' }), {}, strict).annotation,
    ).toBe(`${checks}; managed by CloudFormation (tag aws:cloudformation:logical-id=Lab): fix the template`);
  });

  it('S12: a Terraform marker, matched case-insensitively, names the tag', () => {
    expect(evaluateNotebook(withTags({ managedby: 'Terraform' }), {}, strict).annotation).toBe(
      `${checks}; managed by Terraform (tag managedby=Terraform): fix the code`,
    );
    expect(evaluateNotebook(withTags({ ManagedBy: 'console' }), {}, strict).annotation).toBe(checks);
  });

  it("S12: IacOwnershipTagKeys replaces the default markers: a key alone matches any value, the user's words", () => {
    const own: RuleParameters = { ...strict, iacOwnershipTagKeys: ['iac-repo'] };
    expect(evaluateNotebook(withTags({ 'iac-repo': 'github.com/acme/ml' }), {}, own).annotation).toBe(
      `${checks}; managed as code (tag iac-repo=github.com/acme/ml): fix the code`,
    );
    expect(evaluateNotebook(withTags({ ManagedBy: 'terraform' }), {}, own).annotation).toBe(checks);
  });

  it('S12: COMPLIANT and exempt notebooks get no note', () => {
    const owned = { ...compliantNotebook, tags: { ManagedBy: 'terraform' } };
    expect(evaluateNotebook(owned, privateFacts, strict)).toEqual({ compliance: 'COMPLIANT' });
    const exempt = withTags({ ManagedBy: 'terraform', 'vpc-guard:exempt': 'yes' });
    expect(evaluateNotebook(exempt, {}, strict).annotation).toBe('Exempt: tagged vpc-guard:exempt');
  });

  it('S12 with S8: within 256 characters every check is still named, and the note is kept', () => {
    const openIngress = Array.from({ length: 20 }, (_, i) => ({
      groupId: `sg-0${i.toString(16).padStart(16, '0')}`,
      cidr: '0.0.0.0/0',
    }));
    const stack = { 'aws:cloudformation:stack-name': 'analytics-prod' };
    const annotation =
      evaluateNotebook(
        { ...compliantNotebook, subnetId: OTHER_SUBNET, directInternetAccess: 'Enabled', tags: stack },
        { vpcId: OTHER_VPC, internetGatewayRoute: publicRoute, openIngress },
        strict,
      ).annotation ?? '';
    expect(annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION_LENGTH);
    for (const check of [
      `Subnet ${OTHER_SUBNET} not approved`,
      `VPC ${OTHER_VPC} not approved`,
      'Direct internet access enabled',
      'Public subnet: rtb-0123456789abcdef0 routes 0.0.0.0/0 to igw-0123456789abcdef0',
      'Open ingress: ',
    ]) {
      expect(annotation).toContain(check);
    }
    // Every check failing with the longest ids leaves room for the note's shortest form only.
    expect(annotation).toMatch(/Open ingress: sg-\w*…\(truncated\); managed by CloudFormation$/);
  });
});

/**
 * Mirror fixtures: the same notebook in the notification shape, the API shape and the Describe shape, with
 * each input flipped on its own. A check that reads the wrong field (RootAccess for DirectInternetAccess, the
 * CI's SecurityGroupIds through the Describe name…) gets one of these wrong.
 */
describe('evaluation from real-shaped fixtures', () => {
  const shapes = {
    notification: (configuration: Record<string, unknown>) => {
      const item = notificationItem({ configuration });
      return notebookFromConfigurationItem(item.configuration, 'fallback', {});
    },
    api: (configuration: Record<string, unknown>) => {
      const item = apiItem({ configuration });
      return notebookFromConfigurationItem(JSON.parse(item.configuration ?? ''), 'fallback', {});
    },
    describe: (configuration: Record<string, unknown>) => {
      // The same inputs under the Describe names; keys absent from `configuration` keep the fixture's value.
      const renamed: Record<string, unknown> = {};
      for (const [ciKey, describeKey] of [
        ['SubnetId', 'SubnetId'],
        ['SecurityGroupIds', 'SecurityGroups'],
        ['DirectInternetAccess', 'DirectInternetAccess'],
        ['RootAccess', 'RootAccess'],
      ] as const) {
        if (ciKey in configuration) renamed[describeKey] = configuration[ciKey];
      }
      return notebookFromDescription(describeOutput(renamed), []);
    },
  };
  const params: RuleParameters = { ...DEFAULT_PARAMETERS, forbidOpenIngress: true };
  const facts = (sg: string): NetworkFacts => ({
    vpcId: VPC,
    internetGatewayRoute: null,
    openIngress: sg === 'sg-0badbadbadbadbad0' ? [{ groupId: sg, cidr: '0.0.0.0/0' }] : [],
  });

  describe.each(Object.entries(shapes))('%s shape', (_shape, notebookOf) => {
    it('S5 mirror: DirectInternetAccess Disabled + RootAccess Enabled is COMPLIANT; the flip is not', () => {
      const base = {
        DirectInternetAccess: 'Disabled',
        RootAccess: 'Enabled',
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      };
      expect(evaluateNotebook(notebookOf(base), facts(''), params).compliance).toBe('COMPLIANT');
      const flipped = { ...base, DirectInternetAccess: 'Enabled', RootAccess: 'Disabled' };
      expect(evaluateNotebook(notebookOf(flipped), facts(''), params).annotation).toBe(
        'Direct internet access enabled',
      );
    });

    it('S2 mirror: the subnet is read from SubnetId and nowhere else', () => {
      const inVpc = notebookOf({ SubnetId: SUBNET, SecurityGroupIds: ['sg-0123456789abcdef0'] });
      const outside = notebookOf({ SubnetId: undefined, SecurityGroupIds: ['sg-0123456789abcdef0'] });
      expect(inVpc.subnetId).toBe(SUBNET);
      expect(evaluateNotebook(outside, {}, params).annotation).toContain('SageMaker service VPC');
    });

    it('S7 mirror: security groups are read from the shape’s own field', () => {
      const notebook = notebookOf({ SecurityGroupIds: ['sg-0badbadbadbadbad0'] });
      expect(notebook.securityGroupIds).toEqual(['sg-0badbadbadbadbad0']);
      expect(evaluateNotebook(notebook, facts('sg-0badbadbadbadbad0'), params).compliance).toBe(
        'NON_COMPLIANT',
      );
    });
  });
});

describe('checkNotebook (the checks behind the verdict, for doors that may lack a fact)', () => {
  it('S8: names each failed check by its scenario number, in annotation order', () => {
    const results = checkNotebook(
      { ...compliantNotebook, subnetId: OTHER_SUBNET, directInternetAccess: 'Enabled' },
      {
        vpcId: OTHER_VPC,
        internetGatewayRoute: publicRoute,
        openIngress: [{ groupId: 'sg-1', cidr: '::/0' }],
      },
      strict,
    );
    expect(results.failed.map((failure) => failure.check)).toEqual(['S3', 'S4', 'S5', 'S6', 'S7']);
    expect(results.unevaluated).toEqual([]);
    expect(verdictOf(results)?.annotation).toBe(results.failed.map((failure) => failure.message).join('; '));
  });

  it('S2: no subnet fails S2 (and S5 when enabled) whatever the facts', () => {
    const results = checkNotebook(
      { ...compliantNotebook, subnetId: undefined, directInternetAccess: 'Enabled' },
      {},
      strict,
    );
    expect(results.failed.map((failure) => failure.check)).toEqual(['S2', 'S5']);
  });

  it('S11: a missing fact leaves its check unevaluated with the source’s reason; a failed check still fails', () => {
    const results = checkNotebook(
      { ...compliantNotebook, subnetId: OTHER_SUBNET },
      { internetGatewayRoute: null, missing: { vpcId: 'subnet-x is outside the template' } },
      strict,
    );
    expect(results.failed.map((failure) => failure.check)).toEqual(['S3']);
    expect(results.unevaluated).toEqual([
      { check: 'S4', reason: 'subnet-x is outside the template' },
      { check: 'S7', reason: `no security groups facts for subnet "${OTHER_SUBNET}": cannot evaluate` },
    ]);
    expect(verdictOf(results)?.compliance).toBe('NON_COMPLIANT');
    expect(() => evaluateNotebook({ ...compliantNotebook, subnetId: OTHER_SUBNET }, {}, strict)).toThrow(
      MissingFactError,
    );
  });

  it('S11: nothing failed but a check could not run: no verdict, never COMPLIANT', () => {
    const results = checkNotebook(compliantNotebook, { vpcId: VPC, internetGatewayRoute: null }, strict);
    expect(results.failed).toEqual([]);
    expect(verdictOf(results)).toBeUndefined();
  });

  it('S1: an exempt notebook is not checked at all', () => {
    const exempt = { ...compliantNotebook, tags: { 'vpc-guard:exempt': 'yes' } };
    expect(checkNotebook(exempt, {}, strict)).toEqual({
      exemptBy: 'vpc-guard:exempt',
      failed: [],
      unevaluated: [],
    });
  });
});
