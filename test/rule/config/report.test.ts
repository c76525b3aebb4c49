import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigReport,
  EvaluationDeliveryError,
  MAX_ANNOTATION_LENGTH,
  MAX_EVALUATIONS_PER_CALL,
  type ReportOptions,
  type ResourceEvaluation,
} from '../../../rule/config/report';
import { TRUNCATION_MARKER } from '../../../rule/text';

const configMock = mockClient(ConfigServiceClient);
const config = new ConfigServiceClient({
  region: 'ap-northeast-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const noWait = { sleep: async () => {} };

function evaluations(count: number): ResourceEvaluation[] {
  return Array.from({ length: count }, (_, i) => ({
    resourceType: 'AWS::SageMaker::NotebookInstance',
    resourceId: `notebook-${String(i).padStart(4, '0')}`,
    compliance: i % 2 ? 'COMPLIANT' : 'NON_COMPLIANT',
    ...(i % 2 ? {} : { annotation: 'Direct internet access enabled' }),
    orderingTimestamp: new Date('2026-11-28T00:00:00Z'),
  }));
}
const failed = (id: string) => ({
  ComplianceResourceType: 'AWS::SageMaker::NotebookInstance',
  ComplianceResourceId: id,
  ComplianceType: 'COMPLIANT' as const,
  OrderingTimestamp: new Date(),
});

beforeEach(() => configMock.reset());

/** What a pipeline does: every batch of 100 sent as it comes, then finish. */
async function putEvaluations(
  client: ConfigServiceClient,
  token: string,
  all: readonly ResourceEvaluation[],
  options: ReportOptions,
): Promise<void> {
  const report = new ConfigReport(client, token, options);
  for (let start = 0; start < all.length; start += MAX_EVALUATIONS_PER_CALL) {
    await report.send(all.slice(start, start + MAX_EVALUATIONS_PER_CALL));
  }
  report.finish();
}

describe('ConfigReport', () => {
  it('answers each batch with what Config accepted, and refuses a batch over 100 without sending it', async () => {
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [failed('notebook-0001')] });
    const report = new ConfigReport(config, 'token', noWait);
    const accepted = await report.send(evaluations(3));
    expect(accepted.map((evaluation) => evaluation.resourceId)).toEqual(['notebook-0000', 'notebook-0002']);
    await expect(report.send(evaluations(MAX_EVALUATIONS_PER_CALL + 1))).rejects.toThrow(RangeError);
    expect(() => report.finish()).toThrow('Config did not accept 1 evaluation(s) (notebook-0001)');
  });

  it('sends batches of at most 100, every evaluation exactly once', async () => {
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
    await putEvaluations(config, 'token', evaluations(250), noWait);
    const calls = configMock.commandCalls(PutEvaluationsCommand);
    expect(calls.map((call) => call.args[0].input.Evaluations?.length)).toEqual([100, 100, 50]);
    const ids = calls.flatMap((call) => call.args[0].input.Evaluations?.map((e) => e.ComplianceResourceId));
    expect(new Set(ids).size).toBe(250);
  });

  it('omits the annotation when there is none (Config rejects an empty one)', async () => {
    configMock.on(PutEvaluationsCommand).resolves({});
    await putEvaluations(config, 'token', evaluations(2), noWait);
    const sent = configMock.commandCalls(PutEvaluationsCommand)[0]?.args[0].input.Evaluations ?? [];
    expect(sent[0]).toHaveProperty('Annotation', 'Direct internet access enabled');
    expect(sent[1]).not.toHaveProperty('Annotation');
  });

  it('cuts an annotation over 256 characters with a visible marker (Config rejects longer ones)', async () => {
    configMock.on(PutEvaluationsCommand).resolves({});
    const [first] = evaluations(1);
    if (!first) throw new Error('no evaluation');
    await putEvaluations(
      config,
      'token',
      [{ ...first, annotation: 'Open ingress: '.padEnd(400, 'x') }],
      noWait,
    );
    const sent =
      configMock.commandCalls(PutEvaluationsCommand)[0]?.args[0].input.Evaluations?.[0]?.Annotation ?? '';
    expect(sent).toHaveLength(MAX_ANNOTATION_LENGTH);
    expect(sent.startsWith('Open ingress: xxx')).toBe(true);
    expect(sent.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('sends nothing for no evaluations', async () => {
    await putEvaluations(config, 'token', [], noWait);
    expect(configMock.calls()).toHaveLength(0);
  });

  it('retries only the FailedEvaluations, then succeeds', async () => {
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [failed('notebook-0001')] })
      .resolves({ FailedEvaluations: [] });
    await putEvaluations(config, 'token', evaluations(3), noWait);
    const retry = configMock.commandCalls(PutEvaluationsCommand)[1]?.args[0].input.Evaluations ?? [];
    expect(retry.map((e) => e.ComplianceResourceId)).toEqual(['notebook-0001']);
  });

  it('throws when evaluations still fail after the retries, after trying every batch', async () => {
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [failed('notebook-0001')] });
    const delivery = putEvaluations(config, 'token', evaluations(150), noWait);
    await expect(delivery).rejects.toThrow(EvaluationDeliveryError);
    await expect(delivery).rejects.toThrow('Config did not accept 1 evaluation(s) (notebook-0001)');
    // batch 1: 3 attempts; batch 2 (no failures reported for its ids): 1 attempt
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 4);
  });

  it('a batch the SDK gave up on is reported with its cause; later batches are still sent', async () => {
    configMock
      .on(PutEvaluationsCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({});
    const delivery = putEvaluations(config, 'token', evaluations(120), noWait);
    await expect(delivery).rejects.toThrow(/100 evaluation\(s\).*ThrottlingException/);
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
  });
});
