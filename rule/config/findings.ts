/**
 * The Security Hub stage (SECURITY_HUB_FINDINGS=import): once Config has accepted a batch of evaluations, the
 * same results go to Security Hub as findings (rule/asff/finding.ts) in the evaluated account and region, with
 * BatchImportFindings: at most 100 a call, built batch by batch as they are sent (a sweep of 10,000 notebooks
 * never holds 10,000 findings), FailedFindings retried a few times, then the invocation fails loudly naming them.
 *
 * Security Hub not enabled in that account and region is the user's choice, not an error: it is logged once as
 * a warning and nothing more is sent (Config still has every result). AWS documents it as every finding in
 * FailedFindings with ErrorCode InvalidAccess; an InvalidAccessException for the whole call is treated the same.
 */
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type ImportFindingsError,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { type FindingContext, toFinding } from '../asff/finding';
import { deliverBatch, type Sleep, undeliveredMessage } from './batches';
import type { ResourceEvaluation } from './report';

export const MAX_FINDINGS_PER_CALL = 100;
const NOT_ENABLED_CODES = ['InvalidAccess', 'InvalidAccessException'];

export interface FindingImportLog {
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface FindingImportOptions {
  readonly log: FindingImportLog;
  readonly sleep?: Sleep;
}

export class FindingImportError extends Error {
  override readonly name = 'FindingImportError';
  constructor(
    readonly unimported: readonly string[],
    readonly causes: readonly unknown[],
    failures: ReadonlyMap<string, string>,
  ) {
    const named = unimported.map((id) => (failures.has(id) ? `${id} (${failures.get(id)})` : id));
    super(undeliveredMessage('Security Hub', 'finding(s)', named, causes, 'FailedFindings'), {
      cause: causes[0],
    });
  }
}

/** Thrown by one call when Security Hub is not enabled: ends the import quietly. */
class SecurityHubNotEnabled extends Error {
  override readonly name = 'SecurityHubNotEnabled';
}

/**
 * One invocation's import into one account and region. A pipeline can call `importBatch` once per batch of at
 * most 100 as it goes, then `finish`: the not-enabled warning is logged once, and every batch is attempted
 * before `finish` fails loudly.
 */
export class FindingImport {
  private notEnabled = false;
  private readonly unimported: string[] = [];
  private readonly causes: unknown[] = [];
  /** The last ErrorCode/ErrorMessage Security Hub gave for each finding it refused. */
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly securityHub: SecurityHubClient,
    private readonly options: FindingImportOptions,
  ) {}

  /** Imports one batch of at most 100; returns how many findings Security Hub accepted. */
  async importBatch(findings: readonly AwsSecurityFinding[]): Promise<number> {
    if (findings.length > MAX_FINDINGS_PER_CALL) {
      throw new RangeError(`at most ${MAX_FINDINGS_PER_CALL} findings per call, got ${findings.length}`);
    }
    if (this.notEnabled || findings.length === 0) return 0;
    const outcome = await deliverBatch(findings, (pending) => this.send(pending), this.options.sleep);
    if (outcome.thrown instanceof SecurityHubNotEnabled) {
      this.notEnabled = true;
      this.options.log.warn('Security Hub is not enabled in this account and region: no findings imported', {
        reason: outcome.thrown.message,
      });
      return 0;
    }
    this.unimported.push(...outcome.undelivered.map(idOf));
    if (outcome.thrown !== undefined) this.causes.push(outcome.thrown);
    return findings.length - outcome.undelivered.length;
  }

  /** Throws FindingImportError when any finding was not accepted. */
  finish(): void {
    if (this.unimported.length > 0) throw new FindingImportError(this.unimported, this.causes, this.failures);
  }

  /** Sends one batch and returns the findings Security Hub reported as failed. */
  private async send(findings: readonly AwsSecurityFinding[]): Promise<AwsSecurityFinding[]> {
    let failed: ImportFindingsError[];
    try {
      ({ FailedFindings: failed = [] } = await this.securityHub.send(
        new BatchImportFindingsCommand({ Findings: [...findings] }),
      ));
    } catch (error) {
      if (error instanceof Error && NOT_ENABLED_CODES.includes(error.name)) {
        throw new SecurityHubNotEnabled(`${error.name}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (
      failed.length === findings.length &&
      failed.every((f) => NOT_ENABLED_CODES.includes(f.ErrorCode ?? ''))
    ) {
      throw new SecurityHubNotEnabled(`${failed[0]?.ErrorCode}: ${failed[0]?.ErrorMessage}`);
    }
    for (const failure of failed) {
      if (failure.Id) this.failures.set(failure.Id, `${failure.ErrorCode}: ${failure.ErrorMessage}`);
    }
    const ids = new Set(failed.map((failure) => failure.Id));
    return findings.filter((finding) => ids.has(finding.Id));
  }
}

/**
 * The delivery's Security Hub stage for one invocation: the evaluations Config accepted, batch by batch, as
 * findings in the evaluated account and the client's region (their ProductArn must name it).
 */
export class SecurityHubStage {
  private readonly findings: FindingImport;
  private region?: string;

  constructor(
    private readonly client: SecurityHubClient,
    private readonly context: Omit<FindingContext, 'region' | 'deliveredAt'>,
    options: FindingImportOptions,
  ) {
    this.findings = new FindingImport(client, options);
  }

  /** Imports the findings of one batch of accepted evaluations; returns how many Security Hub accepted. */
  async importAccepted(evaluations: readonly ResourceEvaluation[]): Promise<number> {
    this.region ??= await this.client.config.region();
    const context: FindingContext = { ...this.context, region: this.region, deliveredAt: new Date() };
    return this.findings.importBatch(
      evaluations.flatMap((evaluation) => toFinding(evaluation, context) ?? []),
    );
  }

  /** Throws FindingImportError when any finding was not accepted. */
  finish(): void {
    this.findings.finish();
  }
}

function idOf(finding: AwsSecurityFinding): string {
  return finding.Id ?? '(no id)';
}
