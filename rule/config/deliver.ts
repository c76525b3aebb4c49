/**
 * The last stage: every evaluation logged, delivered to Config, then — when findings are imported — the ones
 * Config accepted sent to Security Hub. Config's error wins when both fail: its results are the rule's record.
 * Test-mode runs (the `TESTMODE` token) store nothing in Config and import nothing.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountSession } from '../clients';
import type { ConfigRuleEvent } from './event';
import { importFindings } from './findings';
import {
  EvaluationDeliveryError,
  putEvaluations,
  type ResourceEvaluation,
  TEST_MODE_RESULT_TOKEN,
} from './report';

export async function deliver(
  event: ConfigRuleEvent,
  session: AccountSession,
  partition: string,
  evaluations: readonly ResourceEvaluation[],
  logger: Logger,
): Promise<void> {
  for (const evaluation of evaluations) {
    logger.info('Evaluation', {
      resourceId: evaluation.resourceId,
      ...(evaluation.notebook && { notebookName: evaluation.notebook.name }),
      resourceType: evaluation.resourceType,
      compliance: evaluation.compliance,
      ...(evaluation.annotation && { annotation: evaluation.annotation }),
    });
  }
  const { config, securityHub } = session.clients;
  if (!securityHub || event.resultToken === TEST_MODE_RESULT_TOKEN) {
    await putEvaluations(config, event.resultToken, evaluations);
    return;
  }
  let configError: EvaluationDeliveryError | undefined;
  try {
    await putEvaluations(config, event.resultToken, evaluations);
  } catch (error) {
    if (!(error instanceof EvaluationDeliveryError)) throw error;
    configError = error;
  }
  const undelivered = new Set(configError?.undelivered);
  try {
    await importFindings(
      securityHub,
      evaluations.filter((evaluation) => !undelivered.has(evaluation)),
      { partition, accountId: event.accountId, configRuleName: event.configRuleName },
      { log: logger },
    );
  } catch (error) {
    if (!configError) throw error;
    logger.error('Security Hub import failed as well', error as Error);
  }
  if (configError) throw configError;
}
