import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeNotebookInstanceCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { type CallInterceptor, commonError, createFakeAwsBackend } from '../../offline/index.js';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { offlineClients } from './clients.js';

const SIGNED = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/ap-northeast-1/sagemaker/aws4_request, SignedHeaders=host, Signature=0',
};

function jsonRequest(target: string, body: string) {
  return {
    method: 'POST',
    path: '/',
    headers: { ...SIGNED, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  };
}

describe('protocol framing', () => {
  it('answers awsJson errors with __type, message and x-amzn-ErrorType', () => {
    const backend = createFakeAwsBackend(loadExampleAccount());
    const answer = backend.handle(
      jsonRequest('SageMaker.DescribeNotebookInstance', '{"NotebookInstanceName":"nope"}'),
    );
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
    expect(JSON.parse(answer.body)).toEqual({ __type: 'ValidationException', message: 'RecordNotFound' });
  });

  it('answers an unknown target with UnknownOperationException and malformed JSON with SerializationException', () => {
    const backend = createFakeAwsBackend(loadExampleAccount());
    const unknownTarget = backend.handle(jsonRequest('Bogus_20140101.Frobnicate', '{}'));
    expect(JSON.parse(unknownTarget.body).__type).toBe('UnknownOperationException');
    const unknownOp = backend.handle(jsonRequest('StarlingDoveService.DeleteConfigRule', '{}'));
    expect(JSON.parse(unknownOp.body).__type).toBe('UnknownOperationException');
    const malformed = backend.handle(jsonRequest('SageMaker.ListNotebookInstances', '{oops'));
    expect(JSON.parse(malformed.body).__type).toBe('SerializationException');
  });

  it('answers EC2 in XML with requestId, and errors as <Response><Errors><Error>', () => {
    const backend = createFakeAwsBackend(loadExampleAccount());
    const form = (body: string) => ({
      method: 'POST',
      path: '/',
      headers: { ...SIGNED, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const ok = backend.handle(
      form('Action=DescribeSubnets&Version=2016-11-15&SubnetId.1=subnet-0aa11bb22cc33dd44'),
    );
    expect(ok.body).toMatch(
      /^<\?xml[^>]*>\n<DescribeSubnetsResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>/,
    );
    expect(ok.body).toContain('<subnetSet><item><subnetId>subnet-0aa11bb22cc33dd44</subnetId>');
    const bad = backend.handle(form('Action=RunInstances&Version=2016-11-15'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<Response><Errors><Error><Code>InvalidAction</Code>');
    expect(bad.body).toContain('<RequestID>');
  });

  it('refuses unsigned requests', () => {
    const backend = createFakeAwsBackend(loadExampleAccount());
    const answer = backend.handle({
      ...jsonRequest('SageMaker.ListNotebookInstances', '{}'),
      headers: { 'x-amz-target': 'SageMaker.ListNotebookInstances' },
    });
    expect(JSON.parse(answer.body).__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses clients signing for another region: the account lives in one region', async () => {
    const { offline } = offlineClients();
    const sagemaker = new SageMakerClient({ ...offline.clientConfig, region: 'us-east-1' });
    await expect(
      sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'quick-prototype' })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
    const ec2 = new EC2Client({ ...offline.clientConfig, region: 'eu-west-1' });
    await expect(ec2.send(new DescribeSubnetsCommand({}))).rejects.toMatchObject({ name: 'AuthFailure' });
  });
});

describe('request log', () => {
  it('records service, operation, input and outcome of every call, and counts per operation', async () => {
    const { sagemaker, offline } = offlineClients();
    await sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'quick-prototype' }));
    await sagemaker
      .send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'nope' }))
      .catch(() => undefined);
    expect(offline.requests.entries).toMatchObject([
      {
        sequence: 1,
        service: 'sagemaker',
        operation: 'DescribeNotebookInstance',
        input: { NotebookInstanceName: 'quick-prototype' },
        statusCode: 200,
        injected: false,
        attempt: 1,
      },
      { sequence: 2, statusCode: 400, errorCode: 'ValidationException', injected: false },
    ]);
    expect(offline.requests.countsByOperation()).toEqual({ DescribeNotebookInstance: 2 });
    expect(offline.requests.count('DescribeNotebookInstance', { succeeded: true })).toBe(1);
  });
});

describe('interceptor', () => {
  it('injects errors in the protocol of the service, and the SDK retry recovers in-process', async () => {
    const throttleFirstTwo: CallInterceptor = (call) =>
      call.operation === 'PutEvaluations' && (call.attempt ?? 1) <= 2
        ? commonError('throttling', call.protocol)
        : undefined;
    const { offline } = offlineClients(undefined, { interceptor: throttleFirstTwo });
    const config = new ConfigServiceClient({
      ...offline.clientConfig,
      maxAttempts: 3,
      retryMode: 'standard',
    });
    const answer = await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'token',
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::SageMaker::NotebookInstance',
            ComplianceResourceId: 'x',
            ComplianceType: 'COMPLIANT',
            OrderingTimestamp: new Date(),
          },
        ],
      }),
    );
    expect(answer.$metadata.attempts).toBe(3);
    const log = offline.requests.ofOperation('PutEvaluations');
    expect(log.map((entry) => [entry.attempt, entry.errorCode, entry.injected])).toEqual([
      [1, 'ThrottlingException', true],
      [2, 'ThrottlingException', true],
      [3, undefined, false],
    ]);
    expect(new Set(log.map((entry) => entry.invocationId)).size).toBe(1);
    expect(Object.fromEntries(offline.state.deliveriesByResource())).toEqual({ x: 1 });
  });

  it('spells the same fault per protocol (EC2 throttling is RequestLimitExceeded, HTTP 503)', () => {
    expect(commonError('throttling', 'ec2Query')).toMatchObject({
      code: 'RequestLimitExceeded',
      statusCode: 503,
    });
    expect(commonError('access-denied', 'ec2Query')).toMatchObject({
      code: 'UnauthorizedOperation',
      statusCode: 403,
    });
    expect(commonError('access-denied', 'awsJson1_1')).toMatchObject({
      code: 'AccessDeniedException',
      statusCode: 400,
    });
  });
});
