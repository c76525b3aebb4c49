/**
 * The CloudFormation Lambda hook's entry point: parse, decide (decide.ts), answer. Thin. Whatever goes
 * wrong — a malformed request, invalid RULE_PARAMETERS, an EC2 lookup that fails or does not finish before
 * the hook's 30 seconds run out — is logged and answered FAILED / InternalFailure with the reason: never
 * SUCCESS on missing data, and never a thrown error CloudFormation would only report as a failed invocation.
 *
 * Environment: RULE_PARAMETERS (the Config rule's InputParameters JSON, validated by the rule's parser) and,
 * in organization mode, MEMBER_ACCOUNT_ROLE_NAME (the read-only role assumed in the requesting account).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { AccountSessions, ownAccount } from '../clients';
import { parseRuleParameters, type RuleParameters } from '../parameters';
import { describeError, truncate } from '../text';
import { type Decision, decide } from './decide';
import { type HookResponse, MESSAGE_LIMIT, messageLimit, parseHookRequest, requestToken } from './request';

export const SERVICE_NAME = 'sagemaker-notebook-vpc-guard-hook';
/** Hooks wait 30 s for the Lambda: answer by this margin before the function's own timeout. */
export const ANSWER_MARGIN_MS = 2_000;

export interface HookDependencies {
  readonly sessions: Pick<AccountSessions, 'forAccount'>;
  /** Throws the parameters' validation error, so every invocation answers it. */
  readonly parameters: () => RuleParameters;
  readonly logger: Logger;
}

export type HookHandler = (
  event: unknown,
  context: Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis'>,
) => Promise<HookResponse>;

export class HookDeadlineError extends Error {
  override readonly name = 'HookDeadlineError';
}

export function createHookHandler(dependencies: HookDependencies): HookHandler {
  const { logger } = dependencies;
  return async (rawEvent, context) => {
    let token = tokenOf(rawEvent);
    let limit: number = MESSAGE_LIMIT.cloudControl;
    try {
      const request = parseHookRequest(rawEvent);
      token = requestToken(request);
      limit = messageLimit(request);
      logger.appendKeys({
        accountId: request.awsAccountId,
        invocationPoint: request.actionInvocationPoint,
        target: request.requestData.targetName,
        logicalId: request.requestData.targetLogicalId,
      });
      const parameters = dependencies.parameters();
      const session = dependencies.sessions.forAccount(
        request.awsAccountId,
        ownAccount(context.invokedFunctionArn),
      );
      const decision = await withDeadline(
        decide(request, session.network, parameters),
        context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS,
      );
      logger.info('Hook answer', { ...decision });
      return respond(decision, token, limit);
    } catch (error) {
      logger.error('Hook could not evaluate the request', error as Error);
      return respond(
        {
          hookStatus: 'FAILED',
          errorCode: 'InternalFailure',
          message: `Could not evaluate: ${describeError(error)}`,
        },
        token,
        limit,
      );
    } finally {
      logger.resetKeys();
    }
  };
}

function respond(decision: Decision, token: string | undefined, limit: number): HookResponse {
  return {
    ...decision,
    message: truncate(decision.message, limit),
    ...(token !== undefined && { clientRequestToken: token }),
  };
}

/** The token of a request too malformed to parse, so even that answer can be matched to its request. */
function tokenOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const fields = raw as Record<string, unknown>;
  const token = fields.clientRequestToken ?? fields.clientRequesttoken;
  return typeof token === 'string' ? token : undefined;
}

async function withDeadline<T>(work: Promise<T>, milliseconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new HookDeadlineError(`EC2 lookups did not finish within ${Math.max(0, milliseconds)} ms`)),
      Math.max(0, milliseconds),
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parameters are parsed once; a bad value is answered on every invocation (InternalFailure, with the reason). */
export function dependenciesFromEnvironment(env: NodeJS.ProcessEnv): HookDependencies {
  let parsed: RuleParameters | Error;
  try {
    parsed = parseRuleParameters(env.RULE_PARAMETERS);
  } catch (error) {
    parsed = error instanceof Error ? error : new Error(String(error));
  }
  return {
    sessions: new AccountSessions({
      // A hook answers within 30 s: fewer retries than the sweep's.
      maxAttempts: 3,
      ...(env.MEMBER_ACCOUNT_ROLE_NAME && { memberAccountRoleName: env.MEMBER_ACCOUNT_ROLE_NAME }),
    }),
    parameters: () => {
      if (parsed instanceof Error) throw parsed;
      return parsed;
    },
    logger: new Logger({ serviceName: SERVICE_NAME }),
  };
}

export const handler: HookHandler = createHookHandler(dependenciesFromEnvironment(process.env));
