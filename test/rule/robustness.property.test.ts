/**
 * Bad input, generated: malformed events, configuration items and parameters (missing fields, wrong types,
 * huge strings, unicode) against the handler with mocked AWS. Two properties:
 *  1. no unhandled crash: every failure is one of our named errors with a message, never a TypeError;
 *  2. never COMPLIANT unless a subnet was actually present and every enabled check passed.
 */
import { PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRuleParameters, type RuleParameters } from '../../rule/parameters';
import { filterValues } from '../fixtures/ec2-filters';
import { changeEvent, lambdaContext, notificationItem } from '../fixtures/events';
import { configMock, ec2Mock, resetMocks, SUBNET, testHandler, VPC } from './support';

const OTHER_SUBNET = 'subnet-0b2c3d4e5f6071829';
const TIGHT_SG = 'sg-0123456789abcdef0';
const OPEN_SG = 'sg-0badbadbadbadbad0';
const NAMED_ERRORS = ['MalformedEventError', 'InvalidParameterError', 'MalformedNotebookError'];

/** Values of any type, including huge and non-ASCII strings. */
const junk = fc.oneof(
  fc.anything(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constant('x'.repeat(100_000)),
);

const configuration = fc.record(
  {
    NotebookInstanceName: fc.oneof(fc.constant('nb-1'), junk),
    SubnetId: fc.oneof(fc.constantFrom(SUBNET, OTHER_SUBNET, '', null), junk),
    SecurityGroupIds: fc.oneof(fc.array(fc.constantFrom(TIGHT_SG, OPEN_SG), { maxLength: 3 }), junk),
    DirectInternetAccess: fc.oneof(fc.constantFrom('Enabled', 'Disabled'), junk),
    RootAccess: fc.oneof(fc.constantFrom('Enabled', 'Disabled'), junk),
  },
  { requiredKeys: [] },
);

const item = fc.record({
  configuration: fc.oneof({ weight: 5, arbitrary: configuration }, { weight: 1, arbitrary: junk }),
  top: fc.record(
    {
      configurationItemStatus: fc.oneof(fc.constantFrom('OK', 'ResourceDiscovered', 'ResourceDeleted'), junk),
      resourceType: fc.oneof(fc.constantFrom('AWS::SageMaker::NotebookInstance', 'AWS::EC2::Instance'), junk),
      resourceId: fc.oneof(fc.constant('nb-1'), junk),
      tags: fc.oneof(
        fc.constant({ 'vpc-guard:exempt': 'yes' }),
        fc.dictionary(fc.string(), junk, { maxKeys: 3 }),
      ),
      configurationItemCaptureTime: fc.oneof(fc.constant('2026-11-20T08:15:30.123Z'), junk),
    },
    { requiredKeys: [] },
  ),
});

const knownParameters = fc.record(
  {
    SubnetIds: fc.constantFrom(SUBNET, OTHER_SUBNET, `${SUBNET},${OTHER_SUBNET}`, ''),
    VpcIds: fc.constantFrom(VPC, 'vpc-0ee55ff66aa77bb88'),
    RequireDirectInternetAccessDisabled: fc.constantFrom('true', 'false', 'TRUE', 'no'),
    RequirePrivateSubnet: fc.constantFrom('true', 'false'),
    ForbidOpenIngress: fc.constantFrom('true', 'false'),
    ExemptionTagKey: fc.constantFrom('vpc-guard:exempt', 'other'),
  },
  { requiredKeys: [] },
);
const ruleParameters = fc.oneof(
  { weight: 6, arbitrary: knownParameters.map((p) => JSON.stringify(p)) },
  { weight: 1, arbitrary: fc.dictionary(fc.string(), junk, { maxKeys: 2 }).map((p) => JSON.stringify(p)) },
  { weight: 1, arbitrary: fc.string() },
);

const network = fc.record({ publicRoute: fc.boolean() });

/** Mocks EC2 so the subnet is public or private as drawn; OPEN_SG is open to the world. */
function mockNetwork(publicRoute: boolean): void {
  ec2Mock.on(DescribeRouteTablesCommand).resolves({
    RouteTables: [
      {
        RouteTableId: 'rtb-0123456789abcdef0',
        VpcId: VPC,
        Associations: [{ Main: true }],
        Routes: [
          publicRoute
            ? { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-0123456789abcdef0' }
            : { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123456789abcdef0' },
        ],
      },
    ],
  });
  ec2Mock.on(DescribeSecurityGroupsCommand).callsFake((input) => ({
    SecurityGroups: filterValues(input, 'group-id').map((GroupId) => ({
      GroupId,
      IpPermissions: GroupId === OPEN_SG ? [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] : [],
    })),
  }));
}

/** What must hold for a COMPLIANT result, stated from the inputs (not from the rule's code). */
function mayBeCompliant(
  config: Record<string, unknown>,
  tags: unknown,
  parameters: RuleParameters,
  publicRoute: boolean,
): boolean {
  const subnet = config.SubnetId;
  if (typeof subnet !== 'string' || subnet === '') return false;
  const groups = Array.isArray(config.SecurityGroupIds) ? config.SecurityGroupIds : [];
  const exempt =
    parameters.exemptionTagKey !== undefined &&
    typeof tags === 'object' &&
    tags !== null &&
    parameters.exemptionTagKey in tags;
  return (
    !exempt &&
    (!parameters.requireDirectInternetAccessDisabled || config.DirectInternetAccess === 'Disabled') &&
    (!parameters.subnetIds || parameters.subnetIds.includes(subnet)) &&
    (!parameters.vpcIds || parameters.vpcIds.includes(VPC)) &&
    (!parameters.requirePrivateSubnet || !publicRoute) &&
    (!parameters.forbidOpenIngress || !groups.includes(OPEN_SG))
  );
}

beforeEach(resetMocks);

describe('bad input (property-based)', () => {
  it('a malformed change event never crashes without a clear named error, and is never COMPLIANT by mistake', async () => {
    await fc.assert(
      fc.asyncProperty(
        item,
        ruleParameters,
        network,
        fc.boolean(),
        async (drawn, parameters, net, leftScope) => {
          resetMocks();
          mockNetwork(net.publicRoute);
          const { handler } = testHandler();
          const ci = notificationItem({ top: { ...drawn.top, configuration: drawn.configuration } });
          const event = changeEvent(ci, { ruleParameters: parameters, eventLeftScope: leftScope });
          try {
            await handler(event, lambdaContext());
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect(NAMED_ERRORS).toContain((error as Error).name);
            expect((error as Error).message.length).toBeGreaterThan(10);
            expect((error as Error).message.length).toBeLessThan(1000);
            expect(configMock).not.toHaveReceivedCommand(PutEvaluationsCommand);
            return;
          }
          const sent = configMock
            .commandCalls(PutEvaluationsCommand)
            .flatMap((c) => c.args[0].input.Evaluations ?? []);
          expect(sent).toHaveLength(1);
          if (sent[0]?.ComplianceType === 'COMPLIANT') {
            const config = drawn.configuration as Record<string, unknown>;
            expect(mayBeCompliant(config, ci.tags, parseRuleParameters(parameters), net.publicRoute)).toBe(
              true,
            );
            expect(leftScope).toBe(false);
          }
          expect(
            sent[0]?.Annotation === undefined ||
              (sent[0].Annotation.length >= 1 && sent[0].Annotation.length <= 256),
          ).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('an arbitrary value as the event is rejected with MalformedEventError, before any AWS call', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          junk,
          fc.record(
            { invokingEvent: junk, resultToken: junk, configRuleName: junk, accountId: junk },
            { requiredKeys: [] },
          ),
        ),
        async (event) => {
          resetMocks();
          const { handler } = testHandler();
          await expect(handler(event, lambdaContext())).rejects.toMatchObject({
            name: 'MalformedEventError',
          });
          expect(configMock.calls()).toHaveLength(0);
          expect(ec2Mock.calls()).toHaveLength(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
