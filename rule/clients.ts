/**
 * SDK clients, created once per account and reused across warm invocations. They use the SDK's default
 * configuration (region, credentials and AWS_ENDPOINT_URL* from the environment) with the SDK's adaptive retry,
 * each client pacing its calls to the rate its service allows (sdk/pacing.ts), so the same bundle runs in Lambda
 * and against a local fake endpoint.
 *
 * Organization mode: when the event names another account, the clients assume MEMBER_ACCOUNT_ROLE_NAME there,
 * so evaluations are read from and reported into that member account — never into the Lambda's own.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpHandlerOptions,
  HttpRequest,
  HttpResponse,
  RequestHandler,
} from '@smithy/types';
import { NetworkFactsLookup } from './network';
import { loadOnce } from './sdk/load-once';
import { ThrottlePacer } from './sdk/pacing';

export interface RuleClients {
  readonly config: ConfigServiceClient;
  readonly sagemaker: SageMakerClient;
  readonly ec2: EC2Client;
  /** Only when findings are imported (SECURITY_HUB_FINDINGS=import). */
  readonly securityHub?: SecurityHubClient;
}

/** Everything the rule keeps per account: clients and the network-facts cache that goes with them. */
export interface AccountSession {
  readonly accountId: string;
  readonly clients: RuleClients;
  readonly network: NetworkFactsLookup;
}

export interface ClientSettings {
  readonly region?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** For the offline backend (`npm start`); the default is the SDK's HTTP handler. */
  readonly requestHandler?: RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
  readonly maxAttempts?: number;
  /** Also a Security Hub client, for importing findings. */
  readonly securityHub?: boolean;
}

/**
 * Five attempts: a throttled call backs off for a few seconds at most (the SDK's exponential backoff grows to
 * 20 s a step), so calls in flight cannot run far past the sweep's deadline margin.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

export function createRuleClients(settings: ClientSettings = {}): RuleClients {
  const common = {
    ...(settings.region && { region: settings.region }),
    ...(settings.credentials && { credentials: settings.credentials }),
    ...(settings.requestHandler && { requestHandler: settings.requestHandler }),
  } as const;
  // Each client its own retry strategy, so that each service is paced to its own rate.
  const withRetry = () => ({ ...common, ...retrySettings(settings.maxAttempts) });
  return {
    config: new ConfigServiceClient(withRetry()),
    sagemaker: new SageMakerClient(withRetry()),
    ec2: new EC2Client(withRetry()),
    ...(settings.securityHub && { securityHub: new SecurityHubClient(withRetry()) }),
  };
}

/**
 * The SDK's adaptive retry with a ThrottlePacer, DEFAULT_MAX_ATTEMPTS attempts. The SDK's own settings win
 * when set: AWS_MAX_ATTEMPTS the attempts, AWS_RETRY_MODE the whole strategy (the SDK's, unpaced by us).
 */
function retrySettings(maxAttempts: number | undefined) {
  const fromEnvironment = Number(process.env.AWS_MAX_ATTEMPTS);
  const attempts =
    maxAttempts ??
    (Number.isInteger(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : DEFAULT_MAX_ATTEMPTS);
  if (process.env.AWS_RETRY_MODE) return { maxAttempts: attempts };
  return { retryStrategy: new AdaptiveRetryStrategy(attempts, { rateLimiter: new ThrottlePacer() }) };
}

export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';
}

export interface OwnAccount {
  readonly accountId: string;
  readonly partition: string;
}

/** The Lambda's own account and partition, from its ARN (the invocation context): no API call needed. */
export function ownAccount(invokedFunctionArn: string | undefined): OwnAccount {
  const match = /^arn:(aws[a-z-]*):lambda:[a-z0-9-]+:(\d{12}):function:/.exec(invokedFunctionArn ?? '');
  if (!match?.[1] || !match[2]) {
    throw new InvalidContextError(
      `context.invokedFunctionArn is not a Lambda function ARN: ${invokedFunctionArn}`,
    );
  }
  return { partition: match[1], accountId: match[2] };
}

export class AccountMismatchError extends Error {
  override readonly name = 'AccountMismatchError';
}

export interface SessionSettings extends ClientSettings {
  /** The role the Lambda assumes in member accounts (organization mode); undefined = single account. */
  readonly memberAccountRoleName?: string;
}

/**
 * Hands out one AccountSession per account. `ownAccountId` and `partition` come from the Lambda's own ARN
 * (the invocation context), so no call is needed to learn them.
 */
export class AccountSessions {
  private readonly sessions = new Map<string, AccountSession>();

  constructor(private readonly settings: SessionSettings = {}) {}

  forAccount(accountId: string, own: OwnAccount): AccountSession {
    const existing = this.sessions.get(accountId);
    if (existing) return existing;
    const session = this.createSession(accountId, own);
    this.sessions.set(accountId, session);
    return session;
  }

  private createSession(accountId: string, own: OwnAccount): AccountSession {
    let credentials = this.settings.credentials;
    if (accountId !== own.accountId) {
      const roleName = this.settings.memberAccountRoleName;
      if (!roleName) {
        throw new AccountMismatchError(
          `event is for account ${accountId} but this Lambda runs in ${own.accountId} and has no member-account ` +
            'role (MEMBER_ACCOUNT_ROLE_NAME): refusing to read or report into the wrong account',
        );
      }
      const role = {
        roleArn: `arn:${own.partition}:iam::${accountId}:role/${roleName}`,
        ...(this.settings.credentials && { masterCredentials: this.settings.credentials }),
        ...(this.settings.region && { region: this.settings.region }),
      };
      // STS is loaded with the first call for a member account; the provider then refreshes on its own.
      const provider = loadOnce(async () =>
        (await import('./sdk/member-credentials')).memberCredentials(role),
      );
      credentials = async (identityProperties) => (await provider())(identityProperties);
    }
    const clients = createRuleClients({ ...this.settings, ...(credentials && { credentials }) });
    return { accountId, clients, network: new NetworkFactsLookup(clients.ec2) };
  }
}
