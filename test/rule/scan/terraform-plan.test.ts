/** `--terraform-plan`: the seed's Terraform fix and variants of it, in the `terraform show -json` layout. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMETERS } from '../../../rule/parameters';
import { ScanInputError } from '../../../rule/scan/planned';
import { exitStatus } from '../../../rule/scan/scan';
import { readTerraformPlan } from '../../../rule/scan/terraform-plan';
import { SEED_NO_SUBNET_PLAN, seedPlan, terraformPlan, withChange } from '../../fixtures/terraform/plan';
import { exampleAccountNetwork, outcome, scanPlan } from './support';

const NOTEBOOK = 'aws_sagemaker_notebook_instance.my_notebook';
const SUBNET = 'aws_subnet.sagemaker_private_subnet';
const EXAMPLE_PRIVATE_SUBNET = 'subnet-0aa11bb22cc33dd44';

describe('Terraform plan scan', () => {
  it('the seed’s own Terraform fix passes the rule (exit 0)', async () => {
    const scan = await scanPlan(seedPlan());
    expect(outcome(scan, NOTEBOOK)).toEqual({
      compliance: 'COMPLIANT',
      annotation: undefined,
      failed: [],
      unevaluated: [],
    });
    expect(exitStatus(scan, false)).toBe(0);
  });

  it('the seed’s notebook without subnet_id fails: service VPC, and direct_internet_access defaults to Enabled (exit 1)', async () => {
    const scan = await scanPlan(JSON.parse(readFileSync(SEED_NO_SUBNET_PLAN, 'utf8')));
    expect(outcome(scan, NOTEBOOK)).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: 'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled',
      failed: ['S2', 'S5'],
      unevaluated: [],
    });
    expect(exitStatus(scan, false)).toBe(1);
    expect(exitStatus(scan, true)).toBe(0);
  });

  it('S12: a notebook its Terraform marks (default_tags, in tags_all) says where to fix it: in the code', async () => {
    const plan = withChange(JSON.parse(readFileSync(SEED_NO_SUBNET_PLAN, 'utf8')), NOTEBOOK, (after) => {
      after.tags_all = { ...(after.tags as object), ManagedBy: 'terraform' };
    });
    expect(outcome(await scanPlan(plan), NOTEBOOK).annotation).toBe(
      'Runs in the SageMaker service VPC (no subnet); Direct internet access enabled; managed by Terraform (tag ManagedBy=terraform): fix the code',
    );
  });

  it('direct_internet_access absent from the plan counts as Enabled, the API default', async () => {
    const plan = withChange(seedPlan(), NOTEBOOK, (after) => {
      delete after.direct_internet_access;
    });
    expect(outcome(await scanPlan(plan), NOTEBOOK)).toMatchObject({
      failed: ['S5'],
      annotation: 'Direct internet access enabled',
    });
  });

  it('S4/S7: a new VPC is not an approved one; the seed’s SSH rule from 0.0.0.0/0 is open ingress', async () => {
    const scan = await scanPlan(seedPlan(), {
      ...DEFAULT_PARAMETERS,
      vpcIds: ['vpc-0aa11bb22cc33dd44'],
      forbidOpenIngress: true,
    });
    expect(outcome(scan, NOTEBOOK).annotation).toBe(
      'VPC aws_vpc.sagemaker_vpc not approved; Open ingress: aws_security_group.sagemaker_notebook_sg from 0.0.0.0/0',
    );
  });

  it('S6: an associated route table whose inline route sends 0.0.0.0/0 to a planned internet gateway', async () => {
    const plan = terraformPlan([
      {
        address: 'aws_internet_gateway.igw',
        after: { tags: null },
        unknown: { vpc_id: true },
        references: { vpc_id: ['aws_vpc.sagemaker_vpc.id', 'aws_vpc.sagemaker_vpc'] },
      },
      {
        address: 'aws_route_table.public',
        after: {
          route: [{ cidr_block: '0.0.0.0/0', gateway_id: null, ipv6_cidr_block: null, nat_gateway_id: '' }],
        },
        unknown: { vpc_id: true, route: [{ gateway_id: true }] },
        references: {
          vpc_id: ['aws_vpc.sagemaker_vpc.id', 'aws_vpc.sagemaker_vpc'],
          route: [
            {
              cidr_block: { constant_value: '0.0.0.0/0' },
              gateway_id: { references: ['aws_internet_gateway.igw.id', 'aws_internet_gateway.igw'] },
            },
          ],
        },
      },
      {
        address: 'aws_route_table_association.public',
        after: { gateway_id: null },
        unknown: { subnet_id: true, route_table_id: true },
        references: {
          subnet_id: [`${SUBNET}.id`, SUBNET],
          route_table_id: ['aws_route_table.public.id', 'aws_route_table.public'],
        },
      },
    ]);
    expect(outcome(await scanPlan(plan), NOTEBOOK)).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: 'Public subnet: aws_route_table.public routes 0.0.0.0/0 to aws_internet_gateway.igw',
    });
  });

  it('S6: a route added to the new VPC’s main route table (main_route_table_id) reaches its unassociated subnets', async () => {
    const plan = terraformPlan([
      { address: 'aws_internet_gateway.igw', after: {}, unknown: { vpc_id: true } },
      {
        address: 'aws_route.default',
        after: { destination_cidr_block: '0.0.0.0/0' },
        unknown: { route_table_id: true, gateway_id: true },
        references: {
          route_table_id: ['aws_vpc.sagemaker_vpc.main_route_table_id', 'aws_vpc.sagemaker_vpc'],
          gateway_id: ['aws_internet_gateway.igw.id', 'aws_internet_gateway.igw'],
        },
      },
    ]);
    expect(outcome(await scanPlan(plan), NOTEBOOK).annotation).toBe(
      'Public subnet: aws_vpc.sagemaker_vpc.main_route_table_id routes 0.0.0.0/0 to aws_internet_gateway.igw',
    );
  });

  it('S6: a route whose gateway comes from a variable cannot be judged before apply (exit 2)', async () => {
    const plan = terraformPlan([
      {
        address: 'aws_route.default',
        after: { destination_cidr_block: '0.0.0.0/0' },
        unknown: { route_table_id: true, gateway_id: true },
        references: {
          route_table_id: ['aws_vpc.sagemaker_vpc.main_route_table_id', 'aws_vpc.sagemaker_vpc'],
          gateway_id: ['var.gateway'],
        },
      },
    ]);
    const scan = await scanPlan(plan);
    expect(outcome(scan, NOTEBOOK)).toMatchObject({ compliance: undefined, failed: [] });
    expect(outcome(scan, NOTEBOOK).unevaluated[0]).toMatch(
      /^S6: a route of aws_vpc.sagemaker_vpc.main_route_table_id has a gateway not known before deployment \(cannot be known before apply: aws_route.default.gateway_id is computed from var.gateway\)/,
    );
    expect(exitStatus(scan, true)).toBe(2);
  });

  it('an existing subnet: offline, the checks needing EC2 are "could not be evaluated offline"; --live looks it up', async () => {
    const plan = withChange(seedPlan(), NOTEBOOK, (after, unknown) => {
      after.subnet_id = EXAMPLE_PRIVATE_SUBNET;
      delete unknown.subnet_id;
    });
    const offline = await scanPlan(plan);
    expect(outcome(offline, NOTEBOOK).unevaluated).toEqual([
      `S6: could not be evaluated offline: subnet ${EXAMPLE_PRIVATE_SUBNET} is not defined in the file (--live looks it up read-only)`,
    ]);
    expect(exitStatus(offline, false)).toBe(2);
    const live = await scanPlan(
      plan,
      { ...DEFAULT_PARAMETERS, vpcIds: ['vpc-0a1b2c3d4e5f60718'] },
      exampleAccountNetwork(),
    );
    expect(outcome(live, NOTEBOOK)).toEqual({
      compliance: 'COMPLIANT',
      annotation: undefined,
      failed: [],
      unevaluated: [],
    });
  });

  it('a planned subnet in an existing VPC uses that VPC’s main route table, looked up with --live', async () => {
    const plan = withChange(seedPlan(), SUBNET, (after, unknown) => {
      after.vpc_id = 'vpc-0a1b2c3d4e5f60718';
      delete unknown.vpc_id;
    });
    expect(outcome(await scanPlan(plan), NOTEBOOK).unevaluated).toEqual([
      `S6: could not be evaluated offline: ${SUBNET} would use the main route table of vpc-0a1b2c3d4e5f60718, which is not defined in the file (--live looks it up read-only)`,
    ]);
    // The example account's main table of that VPC routes 0.0.0.0/0 to an internet gateway.
    expect(
      outcome(await scanPlan(plan, DEFAULT_PARAMETERS, exampleAccountNetwork()), NOTEBOOK),
    ).toMatchObject({
      compliance: 'NON_COMPLIANT',
      failed: ['S6'],
    });
  });

  it('follows references inside a module (module-relative configuration, module-prefixed addresses)', async () => {
    const plan = terraformPlan(
      [
        { address: 'module.ml.aws_vpc.this', after: { cidr_block: '10.1.0.0/16' } },
        {
          address: 'module.ml.aws_subnet.private',
          after: {},
          unknown: { vpc_id: true },
          references: { vpc_id: ['aws_vpc.this.id', 'aws_vpc.this'] },
        },
        {
          address: 'module.ml.aws_sagemaker_notebook_instance.this',
          after: { name: 'in-module', direct_internet_access: 'Disabled', tags: {} },
          unknown: { subnet_id: true, security_groups: true },
          references: { subnet_id: ['aws_subnet.private.id', 'aws_subnet.private'], security_groups: [] },
        },
      ],
      { format_version: '1.2', resource_changes: [], configuration: { root_module: {} } },
    );
    // The builder writes module resources into the root configuration: move them under the module call.
    const moved = {
      ...plan,
      configuration: { root_module: { module_calls: { ml: { module: plan.configuration?.root_module } } } },
    };
    const scan = await scanPlan(moved, { ...DEFAULT_PARAMETERS, vpcIds: ['vpc-0a1b2c3d4e5f60718'] });
    expect(outcome(scan, 'module.ml.aws_sagemaker_notebook_instance.this')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      annotation: 'VPC module.ml.aws_vpc.this not approved',
    });
  });

  it('notebooks being destroyed are not judged', async () => {
    const plan = withChange(seedPlan(), NOTEBOOK, () => {});
    const destroyed = JSON.parse(
      JSON.stringify(plan).replace(
        '"actions":["create"],"before":null,"after":{"accelerator_types"',
        '"actions":["delete"],"before":{},"after":null,"x":{"accelerator_types"',
      ),
    );
    expect((await scanPlan(destroyed)).notebooks).toHaveLength(0);
  });

  it.each([
    ['{"format_version":', /^plan.json: not valid JSON \(/],
    [
      '{"resource_changes":[]}',
      /^plan.json: not the output of `terraform show -json <planfile>` \(no format_version\)$/,
    ],
    [
      '{"format_version":"1.2","resource_changes":[{"type":"aws_vpc"}]}',
      /^plan.json: a resource_changes entry lacks address, type or change.actions/,
    ],
  ])('a malformed plan is one line naming the file and the problem: %s', (text, message) => {
    expect(() => readTerraformPlan(text, 'plan.json')).toThrow(ScanInputError);
    expect(() => readTerraformPlan(text, 'plan.json')).toThrow(message);
  });
});
