import {
  DescribeNotebookInstanceCommand,
  ListEndpointsCommand,
  ListNotebookInstancesCommand,
  ListTagsCommand,
  paginateListNotebookInstances,
  paginateListTags,
} from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { arnOf, notebooksOnly, offlineClients } from './clients.js';

describe('SageMaker ListNotebookInstances', () => {
  it('pages 10 at a time by default, in name order, and the SDK paginator walks every page', async () => {
    const { sagemaker, offline } = offlineClients(notebooksOnly(23));
    const first = await sagemaker.send(new ListNotebookInstancesCommand({}));
    expect(first.NotebookInstances).toHaveLength(10);
    expect(first.NextToken).toBeDefined();

    const names: string[] = [];
    for await (const page of paginateListNotebookInstances({ client: sagemaker }, {})) {
      names.push(...(page.NotebookInstances ?? []).map((n) => n.NotebookInstanceName ?? ''));
    }
    expect(names).toHaveLength(23);
    expect(names).toEqual([...names].sort());
    expect(offline.requests.count('ListNotebookInstances')).toBe(1 + 3);
  });

  it('serves summaries with timestamps the SDK reads as Dates', async () => {
    const { sagemaker } = offlineClients();
    const { NotebookInstances = [] } = await sagemaker.send(
      new ListNotebookInstancesCommand({ MaxResults: 100 }),
    );
    const fraud = NotebookInstances.find((n) => n.NotebookInstanceName === 'fraud-model-training');
    expect(fraud).toMatchObject({
      NotebookInstanceArn: arnOf('fraud-model-training'),
      NotebookInstanceStatus: 'InService',
      InstanceType: 'ml.m5.xlarge',
      NotebookInstanceLifecycleConfigName: 'ml-platform-idle-shutdown',
      CreationTime: new Date('2026-03-02T01:15:00Z'),
    });
  });

  it('keeps its place when a notebook vanishes between pages (keyed tokens)', async () => {
    const { sagemaker, offline } = offlineClients(notebooksOnly(6));
    const first = await sagemaker.send(new ListNotebookInstancesCommand({ MaxResults: 3 }));
    offline.state.deleteNotebook('nb-003');
    const second = await sagemaker.send(
      new ListNotebookInstancesCommand({ MaxResults: 3, NextToken: first.NextToken }),
    );
    expect(second.NotebookInstances?.map((n) => n.NotebookInstanceName)).toEqual([
      'nb-004',
      'nb-005',
      'nb-006',
    ]);
    expect(second.NextToken).toBeUndefined();
  });

  it('filters and sorts like the API', async () => {
    const { sagemaker } = offlineClients(notebooksOnly(5));
    const stopped = await sagemaker.send(
      new ListNotebookInstancesCommand({
        StatusEquals: 'Stopped',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
      }),
    );
    expect(stopped.NotebookInstances?.map((n) => n.NotebookInstanceName)).toEqual(['nb-004', 'nb-002']);
    const named = await sagemaker.send(new ListNotebookInstancesCommand({ NameContains: '-00' }));
    expect(named.NotebookInstances).toHaveLength(5);
  });

  it('refuses MaxResults above 100 and tokens it did not issue', async () => {
    const { sagemaker } = offlineClients(notebooksOnly(1));
    await expect(sagemaker.send(new ListNotebookInstancesCommand({ MaxResults: 101 }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
        message: expect.stringContaining("at 'maxResults' failed to satisfy constraint"),
        $metadata: { httpStatusCode: 400 },
      },
    );
    await expect(
      sagemaker.send(new ListNotebookInstancesCommand({ NextToken: 'bogus' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('SageMaker DescribeNotebookInstance', () => {
  it('answers with the API shape only: SecurityGroups and the lifecycle config under their API names, no tags', async () => {
    const { sagemaker } = offlineClients();
    const { $metadata, ...notebook } = await sagemaker.send(
      new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'recsys-feature-store' }),
    );
    expect($metadata.httpStatusCode).toBe(200);
    expect(notebook).toMatchObject({
      NotebookInstanceName: 'recsys-feature-store',
      SubnetId: 'subnet-0aa11bb22cc33dd55',
      SecurityGroups: ['sg-0d1e2f3a4b5c6d7e8', 'sg-0d1e2f3a4b5c6d7f9'],
      NotebookInstanceLifecycleConfigName: 'ml-platform-idle-shutdown',
      DirectInternetAccess: 'Disabled',
      PlatformIdentifier: 'notebook-al2-v3',
      InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
      LastModifiedTime: new Date('2026-11-28T00:12:00Z'),
    });
    expect(notebook).not.toHaveProperty('Tags');
    expect(notebook).not.toHaveProperty('scenario');
    expect(notebook).not.toHaveProperty('SecurityGroupIds');
  });

  it('answers an unknown name with ValidationException "RecordNotFound", as the real API does', async () => {
    const { sagemaker } = offlineClients();
    await expect(
      sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'no-such-notebook' })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'RecordNotFound' });
  });

  it('matches names exactly: the lowercased name from an ARN is not the notebook', async () => {
    const { sagemaker } = offlineClients();
    await expect(
      sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'datascience-team-lab' })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'RecordNotFound' });
  });

  it('validates the name pattern', async () => {
    const { sagemaker } = offlineClients();
    await expect(
      sagemaker.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: 'bad_name' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('regular expression'),
    });
  });
});

describe('SageMaker ListTags', () => {
  it('finds the notebook by its lowercased ARN and returns its tags', async () => {
    const { sagemaker } = offlineClients();
    const { Tags } = await sagemaker.send(new ListTagsCommand({ ResourceArn: arnOf('hr-attrition-model') }));
    expect(Tags).toContainEqual({ Key: 'vpc-guard:exempt', Value: 'SECOPS-1142 approved until 2027-03-31' });
  });

  it('pages with MaxResults (minimum 50) and the SDK paginator', async () => {
    const many = {
      ...notebooksOnly(0),
      notebooks: [
        {
          NotebookInstanceName: 'nb-001',
          NotebookInstanceArn: arnOf('nb-001'),
          Tags: Array.from({ length: 120 }, (_, i) => ({
            Key: `k${String(i).padStart(3, '0')}`,
            Value: 'v',
          })),
        },
      ],
    };
    const { sagemaker, offline } = offlineClients(many);
    const keys: string[] = [];
    for await (const page of paginateListTags(
      { client: sagemaker, pageSize: 50 },
      { ResourceArn: arnOf('nb-001') },
    )) {
      keys.push(...(page.Tags ?? []).map((tag) => tag.Key ?? ''));
    }
    expect(keys).toHaveLength(120);
    expect(offline.requests.count('ListTags')).toBe(3);
    await expect(
      sagemaker.send(new ListTagsCommand({ ResourceArn: arnOf('nb-001'), MaxResults: 10 })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses an ARN that matches no notebook', async () => {
    const { sagemaker } = offlineClients();
    await expect(sagemaker.send(new ListTagsCommand({ ResourceArn: arnOf('gone') }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});

describe('SageMaker operations the fake does not serve', () => {
  it('answer UnknownOperationException, like a target the service does not know', async () => {
    const { sagemaker } = offlineClients();
    await expect(sagemaker.send(new ListEndpointsCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });
});
