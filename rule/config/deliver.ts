/**
 * The last stage, batch by batch: each batch of at most 100 evaluations goes to Config, then — when findings are
 * imported — the ones Config accepted go to Security Hub. A sweep sends its batches as they are ready; a change
 * event sends one batch of one. Refusals are remembered, not thrown, so every batch is attempted; `finish` then fails loudly. Config's
 * error wins when both fail: its results are the rule's record.
 * Test-mode runs (the `TESTMODE` token) store nothing in Config and import nothing.
 *
 * Logs: one INFO line per batch (counts by result, what was not accepted), one DEBUG line per evaluation.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountSession } from '../clients';
import type { ComplianceType } from '../evaluate';
import type { ConfigRuleEvent } from './event';
import { SecurityHubStage } from './findings';
import { ConfigReport, type ResourceEvaluation, TEST_MODE_RESULT_TOKEN } from './report';

/** What a log line says about one evaluation. */
export function evaluationLogFields(evaluation: ResourceEvaluation): Record<string, unknown> {
  return {
    resourceId: evaluation.resourceId,
    ...(evaluation.notebook && { notebookName: evaluation.notebook.name }),
    resourceType: evaluation.resourceType,
    compliance: evaluation.compliance,
    ...(evaluation.annotation && { annotation: evaluation.annotation }),
  };
}

export class Delivery {
  private readonly report: ConfigReport;
  /** Undefined when findings are not imported. */
  private readonly securityHub?: SecurityHubStage;
  private batches = 0;

  constructor(
    event: ConfigRuleEvent,
    session: AccountSession,
    partition: string,
    private readonly logger: Logger,
  ) {
    const { config, securityHub } = session.clients;
    this.report = new ConfigReport(config, event.resultToken);
    if (securityHub && event.resultToken !== TEST_MODE_RESULT_TOKEN) {
      const context = { partition, accountId: event.accountId, configRuleName: event.configRuleName };
      this.securityHub = new SecurityHubStage(securityHub, context, { log: logger });
    }
  }

  /** Delivers one batch (at most 100) to Config, then its accepted evaluations to Security Hub. */
  async send(batch: readonly ResourceEvaluation[]): Promise<void> {
    this.batches += 1;
    for (const evaluation of batch) this.logger.debug('Evaluation', evaluationLogFields(evaluation));
    const accepted = await this.report.send(batch);
    const imported = await this.securityHub?.importAccepted(accepted);
    this.logger.info('Evaluations delivered', {
      batch: this.batches,
      evaluations: batch.length,
      ...countsByCompliance(batch),
      ...(accepted.length < batch.length && {
        notAcceptedByConfig: batch.filter((e) => !accepted.includes(e)).map((e) => e.resourceId),
      }),
      ...(imported !== undefined && { findingsImported: imported }),
    });
  }

  /** Throws Config's EvaluationDeliveryError first (logging Security Hub's as well), else FindingImportError. */
  finish(): void {
    try {
      this.report.finish();
    } catch (configError) {
      try {
        this.securityHub?.finish();
      } catch (importError) {
        this.logger.error('Security Hub import failed as well', importError as Error);
      }
      throw configError;
    }
    this.securityHub?.finish();
  }
}

function countsByCompliance(batch: readonly ResourceEvaluation[]): Partial<Record<ComplianceType, number>> {
  const counts: Partial<Record<ComplianceType, number>> = {};
  for (const { compliance } of batch) counts[compliance] = (counts[compliance] ?? 0) + 1;
  return counts;
}
