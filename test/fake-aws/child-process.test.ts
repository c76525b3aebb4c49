/**
 * The default SDK configuration in another process honours AWS_ENDPOINT_URL: the path the built Lambda
 * bundle takes in the integration tests and benchmarks.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { type FakeAwsServer, startFakeAws } from './server.js';

const run = promisify(execFile);

const SCRIPT = `
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListNotebookInstancesCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
const listed = await new SageMakerClient({}).send(new ListNotebookInstancesCommand({ MaxResults: 100 }));
const subnets = await new EC2Client({}).send(new DescribeSubnetsCommand({}));
const put = await new ConfigServiceClient({}).send(new PutEvaluationsCommand({
  ResultToken: 'TESTMODE', TestMode: true,
  Evaluations: [{ ComplianceResourceType: 'AWS::SageMaker::NotebookInstance', ComplianceResourceId: 'x',
    ComplianceType: 'COMPLIANT', OrderingTimestamp: new Date() }],
}));
console.log(JSON.stringify({
  notebooks: listed.NotebookInstances.length, attempts: listed.$metadata.attempts,
  subnets: subnets.Subnets.length, failed: put.FailedEvaluations.length,
}));
`;

let server: FakeAwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a child process with the default SDK configuration', () => {
  it('reaches the fake through AWS_ENDPOINT_URL, signs for its region, and retries injected throttling', async () => {
    server = await startFakeAws({
      inventory: loadExampleAccount(),
      faults: { operations: { ListNotebookInstances: { kind: 'throttling', times: 1 } } },
    });
    // Asynchronous on purpose: the server answers from this process's event loop.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: process.cwd(),
      env: server.childEnv(),
    });
    expect(JSON.parse(stdout.trim())).toEqual({ notebooks: 13, attempts: 2, subnets: 7, failed: 0 });
    expect(server.requests.countsByOperation()).toEqual({
      ListNotebookInstances: 2,
      DescribeSubnets: 1,
      PutEvaluations: 1,
    });
    expect(server.state.submissions).toMatchObject([{ resourceId: 'x', outcome: 'test-mode' }]);
  });
});
