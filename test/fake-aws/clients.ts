/** The real SDK clients pointed at a running fake endpoint, as a child process would be by AWS_ENDPOINT_URL. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { OFFLINE_CREDENTIALS } from '../../offline/index.js';
import type { FakeAwsServer } from './server.js';

export function endpointClients(server: FakeAwsServer, extra: { maxAttempts?: number } = {}) {
  const config = {
    endpoint: server.url,
    region: server.state.region,
    credentials: OFFLINE_CREDENTIALS,
    retryMode: 'standard',
    ...extra,
  };
  return {
    sagemaker: new SageMakerClient(config),
    config: new ConfigServiceClient(config),
    ec2: new EC2Client(config),
  };
}
