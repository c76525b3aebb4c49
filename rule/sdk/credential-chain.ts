/**
 * The SDK's default credential chain (profiles, SSO, processes, web identity, container and instance metadata,
 * with the STS and SSO clients they bring), bundled on its own for the Lambdas: lambda-credentials.ts loads it
 * only when the environment holds no credentials.
 */
export { defaultProvider } from '@aws-sdk/credential-provider-node';
