/**
 * The Lambda entry point: parse, route by message type, report. No business logic here. Anything that goes
 * wrong is logged with context and thrown, so Config shows the rule in error instead of silently recording
 * nothing (or, worse, something wrong).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { AccountSessions, InvalidContextError, ownAccount } from '../clients';
import { parseRuleParameters } from '../parameters';
import { type ChangeEvent, evaluateChange } from './change';
import { Delivery, evaluationLogFields } from './deliver';
import { parseInvokingEvent, parseRuleEvent } from './event';
import { SweepIncompleteError, sweep } from './sweep';

export const SERVICE_NAME = 'sagemaker-notebook-vpc-guard';
const MAX_DEADLINE_MARGIN_MS = 30_000;

export interface HandlerDependencies {
  readonly sessions: Pick<AccountSessions, 'forAccount'>;
  readonly logger: Logger;
  readonly sweepConcurrency?: number;
}

export type RuleHandler = (
  event: unknown,
  context: Pick<Context, 'invokedFunctionArn' | 'getRemainingTimeInMillis'>,
) => Promise<void>;

export { InvalidContextError } from '../clients';

export function createHandler(dependencies: HandlerDependencies): RuleHandler {
  const { logger } = dependencies;
  return async (rawEvent, context) => {
    try {
      const event = parseRuleEvent(rawEvent);
      logger.appendKeys({ configRuleName: event.configRuleName, accountId: event.accountId });
      const parameters = parseRuleParameters(event.ruleParameters);
      const invoking = parseInvokingEvent(event.invokingEvent);
      logger.appendKeys({ messageType: invoking.messageType });
      const own = ownAccount(context.invokedFunctionArn);
      const session = dependencies.sessions.forAccount(event.accountId, own);
      const delivery = new Delivery(event, session, own.partition, logger);

      if (invoking.messageType !== 'ScheduledNotification') {
        const evaluation = await evaluateChange(
          invoking satisfies ChangeEvent,
          event.eventLeftScope,
          session,
          parameters,
          logger,
        );
        logger.info('Evaluation', evaluationLogFields(evaluation));
        await delivery.send([evaluation]);
        delivery.finish();
        return;
      }
      const remaining = context.getRemainingTimeInMillis();
      const result = await sweep(session, {
        parameters,
        configRuleName: event.configRuleName,
        orderingTimestamp: invoking.notificationTime,
        deadline: Date.now() + remaining - Math.min(MAX_DEADLINE_MARGIN_MS, remaining * 0.2),
        log: logger,
        deliver: (batch) => delivery.send(batch),
        ...(dependencies.sweepConcurrency && { concurrency: dependencies.sweepConcurrency }),
      });
      for (const failure of result.failures)
        logger.error('Notebook could not be evaluated', {
          notebook: failure.notebook,
          error: failure.error as Error,
        });
      logger.info('Sweep finished', {
        notebooks: result.notebookCount,
        evaluations: result.delivered,
        failures: result.failures.length,
        notStarted: result.notStarted.length,
      });
      delivery.finish();
      SweepIncompleteError.throwIfIncomplete(result);
    } catch (error) {
      logger.error('Evaluation failed', error as Error);
      throw error;
    } finally {
      logger.resetKeys();
    }
  };
}

/**
 * Deployment settings from the Lambda's environment: MEMBER_ACCOUNT_ROLE_NAME (organization mode),
 * SWEEP_CONCURRENCY (SageMaker calls on their way at once in a periodic sweep) and SECURITY_HUB_FINDINGS
 * (`import` or `off`, absent = off). A bad value fails the Lambda's start, loudly.
 */
export function dependenciesFromEnvironment(env: NodeJS.ProcessEnv): HandlerDependencies {
  const concurrency = env.SWEEP_CONCURRENCY;
  if (concurrency !== undefined && !/^(?:[1-9]|[1-5]\d|6[0-4])$/.test(concurrency)) {
    throw new InvalidContextError(
      `SWEEP_CONCURRENCY must be a whole number from 1 to 64, got ${concurrency}`,
    );
  }
  const findings = env.SECURITY_HUB_FINDINGS;
  if (findings !== undefined && findings !== 'import' && findings !== 'off') {
    throw new InvalidContextError(`SECURITY_HUB_FINDINGS must be import or off, got ${findings}`);
  }
  return {
    sessions: new AccountSessions({
      ...(env.MEMBER_ACCOUNT_ROLE_NAME && { memberAccountRoleName: env.MEMBER_ACCOUNT_ROLE_NAME }),
      ...(findings === 'import' && { securityHub: true }),
    }),
    logger: new Logger({ serviceName: SERVICE_NAME }),
    ...(concurrency && { sweepConcurrency: Number(concurrency) }),
  };
}

export const handler: RuleHandler = createHandler(dependenciesFromEnvironment(process.env));
