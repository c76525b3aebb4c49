import {
  GetResourceConfigHistoryCommand,
  ListDiscoveredResourcesCommand,
  paginateListDiscoveredResources,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import { DescribeNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { loadExampleAccount } from '../../rule/examples/index.js';
import { arnOf, NOTEBOOK_TYPE, notebooksOnly, offlineClients } from './clients.js';

describe('Config GetResourceConfigHistory', () => {
  it('answers the API-shape item with configuration as a string of CloudFormation-style keys', async () => {
    const { config } = offlineClients();
    const { configurationItems = [] } = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: NOTEBOOK_TYPE,
        resourceId: arnOf('fraud-model-training'),
        laterTime: new Date('2026-11-28T00:00:00Z'),
        limit: 1,
      }),
    );
    expect(configurationItems).toHaveLength(1);
    const [item] = configurationItems;
    expect(item).toMatchObject({
      accountId: '111122223333',
      arn: arnOf('fraud-model-training'),
      configurationItemCaptureTime: new Date('2026-10-20T08:40:12Z'),
      configurationItemStatus: 'OK',
      resourceType: NOTEBOOK_TYPE,
      resourceId: arnOf('fraud-model-training'),
      resourceName: 'fraud-model-training',
      awsRegion: 'ap-northeast-1',
      tags: { Team: 'risk-ml', Project: 'fraud-detection' },
    });
    expect(typeof item?.configuration).toBe('string');
    expect(JSON.parse(item?.configuration ?? '')).toEqual({
      NotebookInstanceName: 'fraud-model-training',
      SubnetId: 'subnet-0aa11bb22cc33dd44',
      SecurityGroupIds: ['sg-0d1e2f3a4b5c6d7e8'],
      DirectInternetAccess: 'Disabled',
      RootAccess: 'Disabled',
      InstanceType: 'ml.m5.xlarge',
      RoleArn: 'arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-ml-platform',
      KmsKeyId: 'arn:aws:kms:ap-northeast-1:111122223333:key/3f0b6a52-8d1e-4c7a-9b2f-6e4d1c8a7b90',
      LifecycleConfigName: 'ml-platform-idle-shutdown',
      VolumeSizeInGB: 50,
      DefaultCodeRepository: 'https://git-codecommit.ap-northeast-1.amazonaws.com/v1/repos/fraud-models',
      Id: arnOf('fraud-model-training'),
    });
  });

  it('converts every field from the DescribeNotebookInstance names, for every example notebook', async () => {
    const { config, sagemaker } = offlineClients();
    for (const entry of loadExampleAccount().discoveredResources ?? []) {
      if (entry.resourceDeletionTime) continue;
      const name = entry.resourceName ?? '';
      const described = await sagemaker.send(
        new DescribeNotebookInstanceCommand({ NotebookInstanceName: name }),
      );
      const { configurationItems = [] } = await config.send(
        new GetResourceConfigHistoryCommand({ resourceType: NOTEBOOK_TYPE, resourceId: entry.resourceId }),
      );
      const configuration = JSON.parse(configurationItems[0]?.configuration ?? '{}');
      expect(configuration.SecurityGroupIds).toEqual(described.SecurityGroups);
      expect(configuration.LifecycleConfigName).toEqual(described.NotebookInstanceLifecycleConfigName);
      expect(configuration.AcceleratorTypes).toEqual(described.AcceleratorTypes);
      expect(configuration.AdditionalCodeRepositories).toEqual(described.AdditionalCodeRepositories);
      for (const key of [
        'SubnetId',
        'DirectInternetAccess',
        'RootAccess',
        'VolumeSizeInGB',
        'KmsKeyId',
      ] as const) {
        expect(configuration[key], `${name} ${key}`).toEqual(described[key]);
      }
      for (const absent of [
        'VpcId',
        'PlatformIdentifier',
        'InstanceMetadataServiceConfiguration',
        'Tags',
        'SecurityGroups',
      ]) {
        expect(configuration).not.toHaveProperty(absent);
      }
    }
  });

  it('answers a deleted notebook with a ResourceDeleted item and no configuration', async () => {
    const { config } = offlineClients();
    const { configurationItems = [] } = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: NOTEBOOK_TYPE,
        resourceId: arnOf('old-poc-notebook'),
      }),
    );
    expect(configurationItems).toMatchObject([
      {
        configurationItemStatus: 'ResourceDeleted',
        configurationItemCaptureTime: new Date('2026-11-12T04:20:00Z'),
      },
    ]);
    expect(configurationItems[0]?.configuration).toBeUndefined();
  });

  it('answers nothing before the capture time, and ResourceNotDiscoveredException for an undiscovered notebook', async () => {
    const { config } = offlineClients();
    const early = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: NOTEBOOK_TYPE,
        resourceId: arnOf('fraud-model-training'),
        laterTime: new Date('2026-01-01T00:00:00Z'),
      }),
    );
    expect(early.configurationItems).toEqual([]);
    await expect(
      config.send(
        new GetResourceConfigHistoryCommand({
          resourceType: NOTEBOOK_TYPE,
          resourceId: arnOf('recsys-feature-store'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotDiscoveredException' });
  });
});

describe('Config ListDiscoveredResources', () => {
  it('lists the notebooks Config knows, without deleted ones unless asked', async () => {
    const { config } = offlineClients();
    const live = await config.send(new ListDiscoveredResourcesCommand({ resourceType: NOTEBOOK_TYPE }));
    expect(live.resourceIdentifiers?.map((r) => r.resourceName)).not.toContain('recsys-feature-store');
    expect(live.resourceIdentifiers?.map((r) => r.resourceName)).not.toContain('old-poc-notebook');
    expect(live.resourceIdentifiers).toContainEqual({
      resourceType: NOTEBOOK_TYPE,
      resourceId: arnOf('DataScience-Team-Lab'),
      resourceName: 'DataScience-Team-Lab',
    });
    const all = await config.send(
      new ListDiscoveredResourcesCommand({ resourceType: NOTEBOOK_TYPE, includeDeletedResources: true }),
    );
    expect(all.resourceIdentifiers).toContainEqual({
      resourceType: NOTEBOOK_TYPE,
      resourceId: arnOf('old-poc-notebook'),
      resourceName: 'old-poc-notebook',
      resourceDeletionTime: new Date('2026-11-12T04:20:00Z'),
    });
  });

  it('pages with limit and nextToken through the SDK paginator', async () => {
    const inventory = notebooksOnly(250);
    const discovered = inventory.notebooks.map((n) => ({
      resourceId: n.NotebookInstanceArn,
      resourceName: n.NotebookInstanceName,
    }));
    const { config, offline } = offlineClients({ ...inventory, discoveredResources: discovered });
    let count = 0;
    for await (const page of paginateListDiscoveredResources(
      { client: config },
      { resourceType: NOTEBOOK_TYPE },
    )) {
      count += page.resourceIdentifiers?.length ?? 0;
    }
    expect(count).toBe(250);
    expect(offline.requests.count('ListDiscoveredResources')).toBe(3);
    await expect(
      config.send(new ListDiscoveredResourcesCommand({ resourceType: NOTEBOOK_TYPE, nextToken: 'bogus' })),
    ).rejects.toMatchObject({ name: 'InvalidNextTokenException' });
  });

  it('refuses the notebook type when the inventory says Config does not accept it', async () => {
    const { config } = offlineClients({ ...notebooksOnly(1), discoveredResources: undefined });
    await expect(
      config.send(new ListDiscoveredResourcesCommand({ resourceType: NOTEBOOK_TYPE })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("at 'resourceType' failed to satisfy constraint"),
    });
    await expect(
      config.send(
        new GetResourceConfigHistoryCommand({ resourceType: NOTEBOOK_TYPE, resourceId: arnOf('nb-001') }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('serves only the notebook type', async () => {
    const { config } = offlineClients();
    await expect(
      config.send(new ListDiscoveredResourcesCommand({ resourceType: 'AWS::EC2::Instance' as ResourceType })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
