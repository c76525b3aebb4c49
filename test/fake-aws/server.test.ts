import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { DescribeRouteTablesCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeNotebookInstanceCommand, paginateListNotebookInstances } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { endpointClients } from './clients.js';
import { type FakeAwsServer, startFakeAws } from './server.js';

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fake AWS over HTTP', () => {
  it('listens on 127.0.0.1 and serves all three services to the real SDK clients', async () => {
    server = await startFakeAws({ inventory: loadExampleAccount() });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const { sagemaker, ec2, config } = endpointClients(server);

    let notebooks = 0;
    for await (const page of paginateListNotebookInstances({ client: sagemaker, pageSize: 4 }, {})) {
      notebooks += page.NotebookInstances?.length ?? 0;
    }
    expect(notebooks).toBe(13);
    const described = await sagemaker.send(
      new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'genomics-ipv6' }),
    );
    expect(described.IpAddressType).toBe('dualstack');

    const tables = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [{ Name: 'association.subnet-id', Values: ['subnet-0aa11bb22cc33dd88'] }],
      }),
    );
    expect(tables.RouteTables?.[0]?.Routes).toContainEqual(
      expect.objectContaining({ DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0d4c3b2a1f0e9d8c7' }),
    );
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0e2f3a4b5c6d7e8f0'] }));
    expect(groups.SecurityGroups?.[0]?.IpPermissions?.[0]?.IpRanges?.[0]?.CidrIp).toBe('0.0.0.0/0');

    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token',
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::SageMaker::NotebookInstance',
            ComplianceResourceId:
              'arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/old-poc-notebook',
            ComplianceType: 'NOT_APPLICABLE',
            OrderingTimestamp: new Date(),
          },
        ],
      }),
    );
    const results = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: 'sagemaker-notebook-vpc-guard',
        ComplianceTypes: ['NOT_APPLICABLE'],
      }),
    );
    expect(results.EvaluationResults).toHaveLength(1);

    expect(server.requests.countsByOperation()).toEqual({
      ListNotebookInstances: 4,
      DescribeNotebookInstance: 1,
      DescribeRouteTables: 1,
      DescribeSecurityGroups: 1,
      PutEvaluations: 1,
      GetComplianceDetailsByConfigRule: 1,
    });
  });

  it('adds the configured latency to every call', async () => {
    server = await startFakeAws({ inventory: loadExampleAccount(), latencyMs: 40 });
    const { sagemaker } = endpointClients(server);
    const started = performance.now();
    for (let call = 0; call < 3; call++) {
      await sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'quick-prototype' }));
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 40);
  });

  it('answers concurrent calls concurrently (latency does not serialize them)', async () => {
    server = await startFakeAws({ inventory: loadExampleAccount(), latencyMs: 100 });
    const { sagemaker } = endpointClients(server);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'quick-prototype' })),
      ),
    );
    expect(performance.now() - started).toBeLessThan(20 * 100);
    expect(server.requests.count('DescribeNotebookInstance')).toBe(20);
  });

  it('stops listening on close', async () => {
    const running = await startFakeAws({ inventory: loadExampleAccount() });
    const { sagemaker } = endpointClients(running, { maxAttempts: 1 });
    await running.close();
    await expect(
      sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'quick-prototype' })),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
