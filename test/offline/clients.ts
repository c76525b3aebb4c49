/** The real SDK clients wired to an in-process fake, for the offline tests. */
import { ConfigServiceClient, type ResourceType } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createOfflineAws, type FakeAwsBackendOptions, type Inventory } from '../../offline/index.js';
import { loadExampleAccount } from '../../rule/examples/index.js';

/** The SDK's Config enum lacks the notebook type (the SDK lags the service). */
export const NOTEBOOK_TYPE = 'AWS::SageMaker::NotebookInstance' as ResourceType;

export function offlineClients(
  inventory: Inventory = loadExampleAccount(),
  options: FakeAwsBackendOptions = {},
) {
  const offline = createOfflineAws(inventory, options);
  return {
    offline,
    sagemaker: new SageMakerClient(offline.clientConfig),
    config: new ConfigServiceClient(offline.clientConfig),
    ec2: new EC2Client(offline.clientConfig),
  };
}

export function arnOf(name: string): string {
  return `arn:aws:sagemaker:ap-northeast-1:111122223333:notebook-instance/${name.toLowerCase()}`;
}

/** A minimal account: `count` notebooks named nb-001…, nothing else. */
export function notebooksOnly(count: number): Inventory {
  return {
    accountId: '111122223333',
    region: 'ap-northeast-1',
    notebooks: Array.from({ length: count }, (_, index) => {
      const name = `nb-${String(index + 1).padStart(3, '0')}`;
      return {
        NotebookInstanceName: name,
        NotebookInstanceArn: arnOf(name),
        NotebookInstanceStatus: index % 2 === 0 ? 'InService' : 'Stopped',
        CreationTime: new Date(Date.UTC(2026, 0, 1 + index)).toISOString(),
      };
    }),
    subnets: [],
    routeTables: [],
    securityGroups: [],
    discoveredResources: [],
  };
}
