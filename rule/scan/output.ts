/** A file scan as a table (for people) or JSON (for scripts); SARIF is in sarif.ts. */
import { toInputParameters } from '../parameters';
import type { FileScan, NotebookResult } from './scan';

export function formatScanTable(scan: FileScan, exitStatus: number): string {
  const rows = scan.notebooks.map((notebook) => ({
    where: `${notebook.location.name}${notebook.location.line !== undefined ? ` (line ${notebook.location.line})` : ''}`,
    notebook,
  }));
  const width = Math.max(8, ...rows.map((row) => row.where.length));
  const line = (where: string, result: string, reason: string) =>
    `${where.padEnd(width)}  ${result.padEnd(14)}  ${reason}`.trimEnd();
  return [
    `${scan.kind} scan of ${scan.file}${scan.live ? ' (facts outside the file looked up read-only)' : ' (offline)'}`,
    `Rule parameters: ${describeParameters(scan)}`,
    '',
    line('RESOURCE', 'RESULT', 'REASON'),
    ...rows.flatMap(({ where, notebook }) => [
      line(where, resultOf(notebook), notebook.error ?? notebook.annotation ?? ''),
      ...notebook.unevaluated.map((check) => line('', 'NOT EVALUATED', `${check.check}: ${check.reason}`)),
    ]),
    '',
    summary(scan, exitStatus),
  ].join('\n');
}

export function formatScanJson(scan: FileScan, exitStatus: number): string {
  return JSON.stringify(
    {
      file: scan.file,
      kind: scan.kind,
      live: scan.live,
      parameters: toInputParameters(scan.parameters),
      notebooks: scan.notebooks.map((notebook) => ({
        resource: notebook.location.name,
        ...(notebook.location.line !== undefined && { line: notebook.location.line }),
        name: notebook.name,
        compliance: notebook.compliance ?? null,
        ...(notebook.annotation && { annotation: notebook.annotation }),
        failedChecks: notebook.failed,
        notEvaluatedChecks: notebook.unevaluated,
        ...(notebook.error && { error: notebook.error }),
      })),
      exitStatus,
    },
    null,
    2,
  );
}

function resultOf(notebook: NotebookResult): string {
  if (notebook.error) return 'ERROR';
  return notebook.compliance ?? 'NOT EVALUATED';
}

function describeParameters(scan: FileScan): string {
  return Object.entries(toInputParameters(scan.parameters))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

function summary(scan: FileScan, exitStatus: number): string {
  const count = (test: (notebook: NotebookResult) => boolean) => scan.notebooks.filter(test).length;
  const incomplete = count((n) => n.error !== undefined || n.unevaluated.length > 0);
  return (
    `${scan.notebooks.length} notebook instance(s); ${count((n) => n.compliance === 'COMPLIANT')} COMPLIANT, ` +
    `${count((n) => n.compliance === 'NON_COMPLIANT')} NON_COMPLIANT, ${count((n) => n.compliance === 'NOT_APPLICABLE')} ` +
    `NOT_APPLICABLE (exempt), ${incomplete} not fully evaluated. Exit status ${exitStatus}.`
  );
}
