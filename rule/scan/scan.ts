/**
 * A planned file → one result per notebook, with the rule's own checks (checkNotebook) on the same Notebook
 * view the Config rule and the hook build. A check whose fact the file (and --live) cannot give is reported
 * as not evaluated, with the reason; a lookup that fails is the notebook's error.
 */
import { CHECK_IDS, type CheckId } from '../checks';
import {
  type ComplianceType,
  checkNotebook,
  type FailedCheck,
  factsNeeded,
  type NetworkFacts,
  type UnevaluatedCheck,
  verdictOf,
} from '../evaluate';
import { type Notebook, notebookFromCloudFormation } from '../notebook';
import type { RuleParameters } from '../parameters';
import { describeError } from '../text';
import { type LiveNetwork, plannedFacts } from './facts';
import type { PlannedFile, PlannedNotebook, SourceLocation } from './planned';

export interface NotebookResult {
  readonly location: SourceLocation;
  readonly name: string;
  /** undefined = not every enabled check could run and none failed: no verdict. */
  readonly compliance?: ComplianceType;
  readonly annotation?: string;
  readonly failed: readonly FailedCheck[];
  readonly unevaluated: readonly UnevaluatedCheck[];
  /** A lookup or a property that failed: the notebook was not evaluated. */
  readonly error?: string;
}

export interface FileScan {
  readonly file: string;
  readonly kind: PlannedFile['kind'];
  readonly parameters: RuleParameters;
  readonly live: boolean;
  readonly notebooks: readonly NotebookResult[];
}

export async function scanPlannedFile(
  planned: PlannedFile,
  parameters: RuleParameters,
  live?: LiveNetwork,
): Promise<FileScan> {
  const notebooks = await Promise.all(
    planned.notebooks.map((notebook) => scanNotebook(notebook, planned, parameters, live)),
  );
  return { file: planned.file, kind: planned.kind, parameters, live: live !== undefined, notebooks };
}

async function scanNotebook(
  planned: PlannedNotebook,
  file: PlannedFile,
  parameters: RuleParameters,
  live: LiveNetwork | undefined,
): Promise<NotebookResult> {
  const prepared = prepareNotebook(planned, parameters);
  if ('result' in prepared) return prepared.result;
  try {
    const facts = await plannedFacts(planned, factsNeeded(prepared.notebook, parameters), file, live);
    return judgeNotebook(planned, prepared.notebook, facts, parameters);
  } catch (error) {
    return {
      location: planned.location,
      name: prepared.notebook.name,
      failed: [],
      unevaluated: [],
      error: describeError(error),
    };
  }
}

/** The rule's Notebook view of a planned notebook, or its result already when it cannot be judged. */
export function prepareNotebook(
  planned: PlannedNotebook,
  parameters: RuleParameters,
): { readonly notebook: Notebook } | { readonly result: NotebookResult } {
  const { location } = planned;
  const name =
    typeof planned.properties.NotebookInstanceName === 'string'
      ? planned.properties.NotebookInstanceName
      : location.name;
  if (planned.unresolved) {
    const reason = planned.unresolved;
    const unevaluated = enabledChecks(parameters).map((check) => ({ check, reason }));
    return { result: { location, name, failed: [], unevaluated } };
  }
  try {
    return { notebook: notebookFromCloudFormation(planned.properties, location.name) };
  } catch (error) {
    return { result: { location, name, failed: [], unevaluated: [], error: describeError(error) } };
  }
}

/** The rule's checks on the notebook and its facts. */
export function judgeNotebook(
  planned: PlannedNotebook,
  notebook: Notebook,
  facts: NetworkFacts,
  parameters: RuleParameters,
): NotebookResult {
  const results = checkNotebook(notebook, facts, parameters);
  const verdict = verdictOf(results);
  return {
    location: planned.location,
    name: notebook.name,
    ...(verdict && { compliance: verdict.compliance }),
    ...(verdict?.annotation && { annotation: verdict.annotation }),
    failed: results.failed,
    unevaluated: results.unevaluated,
  };
}

/** The checks the parameters turn on (S2 always). */
export function enabledChecks(parameters: RuleParameters): CheckId[] {
  const on: Readonly<Record<CheckId, boolean>> = {
    S2: true,
    S3: parameters.subnetIds !== undefined,
    S4: parameters.vpcIds !== undefined,
    S5: parameters.requireDirectInternetAccessDisabled,
    S6: parameters.requirePrivateSubnet,
    S7: parameters.forbidOpenIngress,
  };
  return CHECK_IDS.filter((id) => on[id]);
}

/** 0: every notebook evaluated, none NON_COMPLIANT; 1: some NON_COMPLIANT (0 with soft-fail); 2: some not evaluated. */
export function exitStatus(scan: FileScan, softFail: boolean): 0 | 1 | 2 {
  if (scan.notebooks.some((notebook) => notebook.error !== undefined || notebook.unevaluated.length > 0))
    return 2;
  if (!softFail && scan.notebooks.some((notebook) => notebook.compliance === 'NON_COMPLIANT')) return 1;
  return 0;
}
