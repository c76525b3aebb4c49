/**
 * The Lambda bundles' stand-in for @aws-sdk/credential-provider-node (an alias in rule/build.ts): Lambda hands a
 * function its role's credentials in the environment, so that is where they are read first, as the SDK's chain
 * does; only when the environment holds none, or names a profile, is the whole chain loaded (credential-chain.ts)
 * and asked, with the same settings. The result is the chain's; the Lambda's start no longer parses the chain.
 * Like the chain, it keeps what it found until it expires: the SDK asks its default provider on every call.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { DefaultProviderInit } from '@aws-sdk/credential-provider-node';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { loadOnce } from './load-once';

export function defaultProvider(init: DefaultProviderInit = {}): AwsCredentialIdentityProvider {
  const chain = loadOnce(async () => (await import('./credential-chain')).defaultProvider(init));
  const provider: AwsCredentialIdentityProvider = async (identityProperties) => {
    const { AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = process.env;
    if (!AWS_PROFILE && AWS_ACCESS_KEY_ID && AWS_SECRET_ACCESS_KEY) return fromEnv(init)();
    return (await chain())(identityProperties);
  };
  // memoizeIdentityProvider answers undefined only for an undefined provider.
  return memoizeIdentityProvider(provider, isIdentityExpired, doesIdentityRequireRefresh) ?? provider;
}
