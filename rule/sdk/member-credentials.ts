/**
 * Credentials of the role the rule assumes in a member account (organization mode), in a module of its own:
 * STS and the credential provider are loaded only when an event is for another account.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface MemberRole {
  readonly roleArn: string;
  /** The Lambda's own credentials, when not the SDK's default chain. */
  readonly masterCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly region?: string;
}

export function memberCredentials(role: MemberRole): AwsCredentialIdentityProvider {
  return fromTemporaryCredentials({
    params: { RoleArn: role.roleArn, RoleSessionName: 'sagemaker-notebook-vpc-guard' },
    ...(role.masterCredentials && { masterCredentials: role.masterCredentials }),
    ...(role.region && { clientConfig: { region: role.region } }),
  });
}
