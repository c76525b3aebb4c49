/**
 * A file scan as SARIF 2.1.0 for code-scanning tools (GitHub code scanning, …): one rule per check (the
 * S-numbers), one result per failed check with its words from the rule's annotation, located at the file
 * and the logical id / resource address (line and column where the file shows them). Checks that could not
 * run are tool execution notifications, and the invocation is then not successful.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import packageJson from '../../package.json' with { type: 'json' };
import { CHECK_IDS, CHECKS, type CheckId } from '../checks';
import type { SourceLocation } from './planned';
import type { FileScan } from './scan';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function toSarif(scan: FileScan, cwd: string = process.cwd()): Log {
  const rules: ReportingDescriptor[] = CHECK_IDS.map((id) => ruleOf(id));
  const uri = artifactUri(scan.file, cwd);
  const results: Result[] = scan.notebooks.flatMap((notebook) =>
    notebook.failed.map(
      (failure): Result => ({
        ruleId: failure.check,
        ruleIndex: CHECK_IDS.indexOf(failure.check),
        level: 'error',
        message: { text: `${notebook.name}: ${failure.message}` },
        locations: [location(notebook.location, uri)],
        properties: { notebook: notebook.name, annotation: notebook.annotation ?? failure.message },
      }),
    ),
  );
  const notifications: Notification[] = scan.notebooks.flatMap((notebook) => [
    ...notebook.unevaluated.map(
      (check): Notification => ({
        level: 'error',
        descriptor: { id: check.check },
        message: { text: `${notebook.name}: ${check.check} not evaluated: ${check.reason}` },
        locations: [location(notebook.location, uri)],
      }),
    ),
    ...(notebook.error
      ? [
          {
            level: 'error',
            message: { text: `${notebook.name}: not evaluated: ${notebook.error}` },
            locations: [location(notebook.location, uri)],
          } satisfies Notification,
        ]
      : []),
  ]);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: packageJson.name,
            version: packageJson.version,
            rules,
          },
        },
        artifacts: [{ location: { uri }, roles: ['analysisTarget'] }],
        invocations: [
          { executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications },
        ],
        results,
      },
    ],
  };
}

function ruleOf(id: CheckId): ReportingDescriptor {
  const check = CHECKS[id];
  const enabledBy = check.parameter ? `Enabled by the rule parameter ${check.parameter}.` : 'Always enabled.';
  const needs = check.needs ? ` Needs ${check.needs}: from the file, or looked up with --live.` : '';
  return {
    id,
    name: check.name,
    shortDescription: { text: check.summary },
    fullDescription: { text: `${check.summary} ${enabledBy}${needs}` },
    help: { text: `${check.summary} ${enabledBy}` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'sagemaker', 'network'], 'security-severity': '8.0' },
  };
}

function location(source: SourceLocation, uri: string): Location {
  return {
    physicalLocation: {
      artifactLocation: { uri, index: 0 },
      ...(source.line !== undefined && {
        region: {
          startLine: source.line,
          ...(source.column !== undefined && { startColumn: source.column }),
        },
      }),
    },
    logicalLocations: [{ name: source.name, fullyQualifiedName: source.name, kind: 'resource' }],
  };
}

/** Relative to the working directory (a repository checkout in CI), with forward slashes; else a file URI. */
function artifactUri(file: string, cwd: string): string {
  const path = relative(cwd, resolve(cwd, file));
  return path.startsWith('..') || isAbsolute(path)
    ? pathToFileURL(resolve(cwd, file)).href
    : path.split(sep).join('/');
}
