/**
 * Security Hub's side of the fake account: whether it is enabled, how a disabled one refuses, the findings it
 * holds (by Id, as last accepted) and every finding BatchImportFindings was sent, with what became of it.
 */
import { InjectedFailures } from './injected-failures';
import type { JsonObject } from './wire.js';

/**
 * How Security Hub refuses imports when it is not enabled: AWS documents every finding back in FailedFindings
 * with ErrorCode InvalidAccess; a whole-call InvalidAccessException is the other plausible answer. Both exist so
 * the rule is tested against both.
 */
export type DisabledAnswer = 'failed-findings' | 'exception';

/** One finding as BatchImportFindings received it. */
export interface ImportedFinding {
  readonly id: string;
  /**
   * `stored`: created or updated; `stale`: its UpdatedAt was not later than the stored one, so Security Hub
   * ignored it (documented); `failed`: reported in FailedFindings (injected, invalid, or Security Hub disabled).
   */
  readonly outcome: 'stored' | 'stale' | 'failed';
  readonly errorCode?: string;
}

export class SecurityHubState {
  enabled = true;
  disabledAnswer: DisabledAnswer = 'failed-findings';
  /** Every finding received, in order. */
  readonly imports: ImportedFinding[] = [];
  private readonly stored = new Map<string, JsonObject>();
  private readonly injectedFailures = new InjectedFailures();

  /** The finding as Security Hub holds it, by Id. */
  finding(id: string): JsonObject | undefined {
    return this.stored.get(id);
  }

  findings(): JsonObject[] {
    return [...this.stored.values()];
  }

  /** Creates or updates a finding; an update must be later (UpdatedAt) than what is stored, else it is ignored. */
  store(id: string, finding: JsonObject, updatedAt: number): 'stored' | 'stale' {
    const existing = this.stored.get(id);
    if (existing && updatedAt <= Date.parse(String(existing.UpdatedAt))) return 'stale';
    this.stored.set(id, finding);
    return 'stored';
  }

  /** The next `times` imports of this finding Id report it in FailedFindings. */
  failFindingsFor(id: string, times = Number.POSITIVE_INFINITY): void {
    this.injectedFailures.add(id, times);
  }

  takeFindingFailure(id: string): boolean {
    return this.injectedFailures.take(id);
  }

  /** How many times each finding was stored: "imported exactly once" means all 1. */
  storesById(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const entry of this.imports)
      if (entry.outcome === 'stored') counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
    return counts;
  }
}
