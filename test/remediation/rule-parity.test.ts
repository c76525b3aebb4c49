/**
 * §7: the runbook refuses a target the deployed rule would flag. The check document does that in Python
 * (check_notebook.py, rule_violations); the rule is TypeScript (rule/evaluate.ts over rule/network.ts). Both run
 * here on the same generated cases — rule parameters, a subnet, its route tables, its security groups' inbound
 * rules, the internet setting — fed the same EC2 answers: the runbook's reasons must be the rule's annotation,
 * word for word, and nothing where the rule says COMPLIANT. And issue 14: both read who owns a notebook (its
 * CloudFormation stack, a Terraform tag) from the same markers, in the same words.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeSubnetsCommand,
  EC2Client,
  type IpPermission,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { expect } from 'vitest';
import { embeddedScript } from '../../remediation/index';
import { evaluateNotebook, factsNeeded } from '../../rule/evaluate';
import { NetworkFactsLookup } from '../../rule/network';
import { DEFAULT_IAC_OWNERSHIP_TAG_KEYS, iacOwnerOf, ownershipNote } from '../../rule/ownership';
import { type RuleParameters, toInputParameters } from '../../rule/parameters';
import { filterValues } from '../fixtures/ec2-filters';
import { pythonFor, withPython3 } from '../support/needs-python';
import { WITHOUT_THE_SDK } from './without-the-sdk';

const SUBNETS = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const VPCS = ['vpc-0aaaaaaaaaaaaaaaa', 'vpc-0bbbbbbbbbbbbbbbb'];
const GROUPS = ['sg-0aaaaaaaaaaaaaaa1', 'sg-0aaaaaaaaaaaaaaa2'];

interface Case {
  readonly rule: RuleParameters;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly groupIds: readonly string[];
  readonly directInternetAccess: 'Enabled' | 'Disabled';
  readonly routeTables: readonly RouteTable[];
  readonly ingress: Readonly<Record<string, IpPermission[]>>;
}

const someOf = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
const gateway = fc.constantFrom('local', 'igw-0123456789abcdef0', 'nat-0123456789abcdef0', 'vgw-0123');
const destination = fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8');
const route = fc.record({ destination, gateway }).map(({ destination: cidr, gateway: target }) => ({
  ...(cidr === '::/0' ? { DestinationIpv6CidrBlock: cidr } : { DestinationCidrBlock: cidr }),
  ...(target.startsWith('nat-') ? { NatGatewayId: target } : { GatewayId: target }),
}));
const cidrs = fc.subarray(['0.0.0.0/0', '10.0.0.0/8', '192.168.1.0/24']);
const permission = fc
  .record({ ipv4: cidrs, ipv6: fc.subarray(['::/0', '2001:db8::/32']) })
  .map(({ ipv4, ipv6 }) => ({
    IpProtocol: 'tcp',
    IpRanges: ipv4.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: ipv6.map((CidrIpv6) => ({ CidrIpv6 })),
  }));

const cases: fc.Arbitrary<Case> = fc
  .record({
    subnetIds: fc.option(someOf(SUBNETS), { nil: undefined }),
    vpcIds: fc.option(someOf(VPCS), { nil: undefined }),
    requireDirectInternetAccessDisabled: fc.boolean(),
    requirePrivateSubnet: fc.boolean(),
    forbidOpenIngress: fc.boolean(),
    subnetId: fc.constantFrom(...SUBNETS),
    vpcId: fc.constantFrom(...VPCS),
    groupIds: someOf(GROUPS),
    directInternetAccess: fc.constantFrom('Enabled' as const, 'Disabled' as const),
    explicit: fc.option(fc.array(route, { maxLength: 3 }), { nil: undefined }),
    main: fc.array(route, { maxLength: 3 }),
    ingress: fc.tuple(fc.array(permission, { maxLength: 2 }), fc.array(permission, { maxLength: 2 })),
  })
  .map(({ subnetIds, vpcIds, explicit, main, ingress, ...rest }) => ({
    rule: {
      ...(subnetIds && { subnetIds }),
      ...(vpcIds && { vpcIds }),
      requireDirectInternetAccessDisabled: rest.requireDirectInternetAccessDisabled,
      requirePrivateSubnet: rest.requirePrivateSubnet,
      forbidOpenIngress: rest.forbidOpenIngress,
    },
    subnetId: rest.subnetId,
    vpcId: rest.vpcId,
    groupIds: rest.groupIds,
    directInternetAccess: rest.directInternetAccess,
    routeTables: [
      {
        RouteTableId: 'rtb-0000000000000main',
        VpcId: rest.vpcId,
        Associations: [{ Main: true }],
        Routes: main,
      },
      ...(explicit
        ? [
            {
              RouteTableId: 'rtb-00000000explicit',
              VpcId: rest.vpcId,
              Associations: [{ SubnetId: rest.subnetId, Main: false }],
              Routes: explicit,
            },
          ]
        : []),
    ],
    ingress: { [GROUPS[0] as string]: ingress[0], [GROUPS[1] as string]: ingress[1] },
  }));

const ec2Mock = mockClient(EC2Client);

/** The rule's annotation for a notebook in the target ('' when COMPLIANT). */
async function ruleSays(test: Case): Promise<string> {
  ec2Mock.reset();
  ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: test.subnetId, VpcId: test.vpcId }] });
  ec2Mock.on(DescribeRouteTablesCommand).resolves({ RouteTables: [...test.routeTables] });
  ec2Mock.on(DescribeSecurityGroupsCommand).callsFake((input: DescribeSecurityGroupsCommandInput) => ({
    SecurityGroups: filterValues(input, 'group-id').map((GroupId) => ({
      GroupId,
      IpPermissions: test.ingress[GroupId] ?? [],
    })),
  }));
  const ec2 = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const notebook = {
    name: 'MyNotebook',
    subnetId: test.subnetId,
    securityGroupIds: test.groupIds,
    directInternetAccess: test.directInternetAccess,
    tags: {},
  };
  const facts = await new NetworkFactsLookup(ec2).factsFor(factsNeeded(notebook, test.rule));
  return evaluateNotebook(notebook, facts, test.rule).annotation ?? '';
}

/** The check's reasons for each case, from the shipped script (the AWS SDK stood in for: EC2 answers from the case). */
function checkSays(tests: readonly Case[]): string[] {
  const program = [
    WITHOUT_THE_SDK,
    'scope = {}',
    'exec(open(sys.argv[1]).read(), scope)',
    'class Pages:',
    '    def __init__(self, tables): self.tables = tables',
    "    def paginate(self, **_): return [{'RouteTables': self.tables}]",
    'class Ec2:',
    '    def __init__(self, tables): self.tables = tables',
    '    def get_paginator(self, _name): return Pages(self.tables)',
    'for test in json.load(sys.stdin):',
    "    groups = [{'GroupId': g, 'IpPermissions': test['ingress'].get(g, [])} for g in test['groupIds']]",
    "    event = {'SubnetId': test['subnetId'], 'DirectInternetAccess': test['directInternetAccess']}",
    "    failed = scope['rule_violations'](Ec2(test['routeTables']), test['rule'], event, test['vpcId'], groups)",
    "    print(json.dumps('; '.join(failed)))",
  ].join('\n');
  const script = join(mkdtempSync(join(tmpdir(), 'vpc-guard-parity-')), 'check_notebook.py');
  writeFileSync(script, embeddedScript('check_notebook'));
  const input = tests.map((test) => ({ ...test, rule: toInputParameters(test.rule) }));
  const run = spawnSync(pythonFor('python3'), ['-c', program, script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as string);
}

withPython3.it(
  "§7 the check refuses exactly what the deployed rule would flag, in the rule's words (generated cases)",
  async () => {
    const tests = fc.sample(cases, { numRuns: 300, seed: 9 });
    const rule: string[] = [];
    for (const test of tests) rule.push(await ruleSays(test));
    expect(rule.filter((annotation) => annotation === '').length).toBeGreaterThan(20);
    expect(rule.filter((annotation) => annotation.includes('Public subnet')).length).toBeGreaterThan(20);
    expect(rule.filter((annotation) => annotation.includes('Open ingress')).length).toBeGreaterThan(20);
    expect(checkSays(tests)).toEqual(rule);
  },
);

/** Tags a notebook may carry and markers a deployment may set: owned, not owned, case and `=` variations. */
const ownershipCases = fc.record({
  tags: fc.dictionary(
    fc.constantFrom(
      'aws:cloudformation:stack-name',
      'aws:cloudformation:stack-id',
      'AWS:CloudFormation:Logical-Id',
      'ManagedBy',
      'managedby',
      'managed-by',
      'Terraform',
      'iac',
      'team',
    ),
    fc.constantFrom(
      'terraform',
      'TERRAFORM',
      'true',
      'analytics-prod',
      'arn:aws:cloudformation:eu-west-1:123456789012:stack/analytics-dev/0f0e-1111',
      'tool=terraform',
      '',
      'data-science',
    ),
  ),
  markers: fc.oneof(
    fc.constant(DEFAULT_IAC_OWNERSHIP_TAG_KEYS),
    fc.subarray([
      'iac',
      'team=Data-Science',
      'ManagedBy=terraform',
      'aws:cloudformation:logical-id',
      'iac=tool=terraform',
    ]),
  ),
});

withPython3.it(
  "issue 14: the check names a notebook's owner exactly as the rule does, in the rule's words (generated cases)",
  () => {
    const tests = fc.sample(ownershipCases, { numRuns: 300, seed: 14 });
    const rule = tests.map(({ tags, markers }) => {
      const owner = iacOwnerOf(tags, markers);
      return owner ? ownershipNote(owner) : '';
    });
    expect(rule.filter((note) => note.includes('stack analytics-')).length).toBeGreaterThan(10);
    expect(rule.filter((note) => note.includes('Terraform (tag')).length).toBeGreaterThan(10);
    expect(rule.filter((note) => note === '').length).toBeGreaterThan(20);
    const program = [
      WITHOUT_THE_SDK,
      'scope = {}',
      'exec(open(sys.argv[1]).read(), scope)',
      'for test in json.load(sys.stdin):',
      "    owner = scope['iac_owner'](test['tags'], test['markers'])",
      "    print(json.dumps(': '.join(scope['owner_words'](owner)) if owner else ''))",
    ].join('\n');
    const script = join(mkdtempSync(join(tmpdir(), 'vpc-guard-parity-')), 'check_notebook.py');
    writeFileSync(script, embeddedScript('check_notebook'));
    const run = spawnSync(pythonFor('python3'), ['-c', program, script], {
      input: JSON.stringify(tests),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as string),
    ).toEqual(rule);
  },
);
