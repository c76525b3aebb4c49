/**
 * `npm start`: evaluates notebooks with the Lambda's own periodic path (sweep → EC2 facts → evaluation) and
 * prints the results. By default it serves the bundled example account to the real SDK clients in-process,
 * so it needs no AWS account; `--live` scans a real account read-only (it never calls PutEvaluations).
 * `--template` / `--terraform-plan` scan a file before anything exists (rule/scan/run.ts).
 */

import { readFileSync, realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fromIni } from '@aws-sdk/credential-providers';
import { createOfflineAws } from '../offline/index';
import { parseInventory } from '../offline/parse-inventory';
import { toFinding } from './asff/finding';
import { type AccountSession, createRuleClients } from './clients';
import type { ResourceEvaluation } from './config/report';
import { type SweepOptions, type SweepResult, sweep } from './config/sweep';
import { loadExampleAccount } from './examples/index';
import { NetworkFactsLookup } from './network';
import {
  DEFAULT_PARAMETERS,
  parseRuleParameters,
  type RuleParameters,
  toInputParameters,
} from './parameters';
import { type FileKind, runFileScan } from './scan/run';
import { describeError } from './text';

const USAGE = `Usage: npx sagemaker-notebook-vpc-guard [options]   (in this repository: npm start -- [options])

Evaluates SageMaker notebook instances for VPC placement with the same code as the Config rule.

  (no options)             evaluate the bundled example account offline (no AWS account needed)
  --inventory <file>       evaluate another offline inventory (JSON, same shape as rule/examples/account.json)
  --live                   scan a live account read-only (SDK default credentials); implied by --region/--profile
  --region <region>        region of the live scan
  --profile <name>         shared-config profile of the live scan
  --rule-name <name>       also mark notebooks this Config rule evaluated before that no longer exist (live)
  --parameters <json>      rule parameters, as Config's InputParameters, e.g. '{"SubnetIds":"subnet-0123456789abcdef0"}'
  --output table|json|asff output format (default: table); asff: the Security Hub findings the rule would
                           import for these results (SECURITY_HUB_FINDINGS=import), as BatchImportFindings gets them
  --help                   this text

Before a notebook exists (defaults for the rule parameters unless --parameters):
  --template <file>        scan a CloudFormation template, JSON or YAML (e.g. cdk.out/MyStack.template.json)
  --terraform-plan <file>  scan the JSON of \`terraform show -json <planfile>\`
  --live                   look up what the file does not define (subnets, route tables, security groups) read-only
  --output table|json|sarif
  --soft-fail              exit 0 even when a notebook is NON_COMPLIANT

Exit status: 0 when every notebook was evaluated, 1 when any could not be (or on a usage error).
Scanning a file: 0 when every notebook was evaluated and none is NON_COMPLIANT, 1 when any is NON_COMPLIANT
(0 with --soft-fail), 2 when the file cannot be read or any notebook could not be fully evaluated.`;

const ACCOUNT_OUTPUTS = ['table', 'json', 'asff'] as const;
const FILE_OUTPUTS = ['table', 'json', 'sarif'] as const;

/** An account scan: the example account, an inventory file, or a live account. */
interface AccountScanOptions {
  readonly live: boolean;
  readonly inventory?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly ruleName?: string;
  readonly parameters?: string;
  readonly output: (typeof ACCOUNT_OUTPUTS)[number];
}

/** A file scan (--template / --terraform-plan), before the notebooks exist. */
interface FileScanCliOptions {
  readonly live: boolean;
  readonly region?: string;
  readonly profile?: string;
  readonly parameters?: string;
  readonly output: (typeof FILE_OUTPUTS)[number];
  readonly file: { readonly kind: FileKind; readonly path: string };
  readonly softFail: boolean;
}

type CliOptions = AccountScanOptions | FileScanCliOptions;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCliArguments(args: readonly string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      live: { type: 'boolean', default: false },
      inventory: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      'rule-name': { type: 'string' },
      parameters: { type: 'string' },
      output: { type: 'string', default: 'table' },
      template: { type: 'string' },
      'terraform-plan': { type: 'string' },
      'soft-fail': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const file = fileToScan(values.template, values['terraform-plan']);
  const live = values.live || values.region !== undefined || values.profile !== undefined;
  const common = {
    live,
    ...(values.region && { region: values.region }),
    ...(values.profile && { profile: values.profile }),
    ...(values.parameters && { parameters: values.parameters }),
  };
  if (file) {
    if (values.inventory || values['rule-name']) {
      throw new UsageError('--inventory and --rule-name are for account scans, not file scans');
    }
    return {
      ...common,
      output: oneOf(values.output, FILE_OUTPUTS, 'file scans'),
      file,
      softFail: values['soft-fail'],
    };
  }
  if (values['soft-fail']) throw new UsageError('--soft-fail applies to --template and --terraform-plan');
  if (live && values.inventory)
    throw new UsageError('--inventory is offline; it cannot be combined with a live scan');
  return {
    live,
    output: oneOf(values.output, ACCOUNT_OUTPUTS, 'account scans'),
    ...(values.inventory && { inventory: values.inventory }),
    ...(values.region && { region: values.region }),
    ...(values.profile && { profile: values.profile }),
    ...(values['rule-name'] && { ruleName: values['rule-name'] }),
    ...(values.parameters && { parameters: values.parameters }),
  };
}

function oneOf<T extends string>(output: string, allowed: readonly T[], scans: string): T {
  if (!(allowed as readonly string[]).includes(output)) {
    throw new UsageError(`--output for ${scans} must be ${allowed.join(', ')}, got ${output}`);
  }
  return output as T;
}

function fileToScan(
  template: string | undefined,
  plan: string | undefined,
): FileScanCliOptions['file'] | undefined {
  if (template !== undefined && plan !== undefined) {
    throw new UsageError('give --template or --terraform-plan, not both');
  }
  if (template !== undefined) return { kind: 'template', path: template };
  if (plan !== undefined) return { kind: 'terraform-plan', path: plan };
  return undefined;
}

/** A sweep's result with every evaluation kept: a scan prints them all. */
export interface ScanResult extends SweepResult {
  readonly evaluations: readonly ResourceEvaluation[];
}

export interface Scan {
  readonly title: string;
  readonly parameters: RuleParameters;
  readonly result: ScanResult;
  /** Where the results belong, for their Security Hub findings (a live scan learns the account from ARNs). */
  readonly scope: { readonly region: string; readonly accountId?: string; readonly configRuleName: string };
}

const DEFAULT_RULE_NAME = 'sagemaker-notebook-vpc-guard';

/** Runs the sweep against the offline example (or inventory file) or, with `live`, a real account. */
export async function scan(options: AccountScanOptions, warn: (line: string) => void): Promise<Scan> {
  const log = {
    warn: (message: string, extra: Record<string, unknown>) => warn(`${message} ${JSON.stringify(extra)}`),
  };
  if (options.live) {
    const clients = createRuleClients({
      ...(options.region && { region: options.region }),
      ...(options.profile && { credentials: fromIni({ profile: options.profile }) }),
    });
    const session: AccountSession = {
      accountId: 'live',
      clients,
      network: new NetworkFactsLookup(clients.ec2),
    };
    const parameters = options.parameters ? parseRuleParameters(options.parameters) : DEFAULT_PARAMETERS;
    const result = await sweepAll(session, {
      parameters,
      orderingTimestamp: new Date(),
      log,
      ...(options.ruleName && { configRuleName: options.ruleName }),
    });
    const region = await clients.sagemaker.config.region();
    const accountId = result.evaluations.find((e) => e.notebook?.arn)?.notebook?.arn?.split(':')[4];
    return {
      title: `Live scan (read-only) of region ${region}${options.profile ? `, profile ${options.profile}` : ''}`,
      parameters,
      result,
      scope: {
        region,
        ...(accountId && { accountId }),
        configRuleName: options.ruleName ?? DEFAULT_RULE_NAME,
      },
    };
  }
  const inventory = options.inventory
    ? parseInventory(JSON.parse(readFileSync(options.inventory, 'utf8')), options.inventory)
    : loadExampleAccount();
  const offline = createOfflineAws(inventory);
  const clients = createRuleClients(offline.clientConfig);
  const session: AccountSession = {
    accountId: inventory.accountId,
    clients,
    network: new NetworkFactsLookup(clients.ec2),
  };
  const parameters = parseRuleParameters(
    options.parameters ?? JSON.stringify(inventory.ruleParameters ?? {}),
  );
  const result = await sweepAll(session, {
    parameters,
    orderingTimestamp: new Date(),
    log,
    ...(inventory.configRuleName && { configRuleName: inventory.configRuleName }),
  });
  const source = options.inventory ?? 'bundled example account';
  return {
    title: `Offline: ${source} ${inventory.accountId} (${inventory.region})`,
    parameters,
    result,
    scope: {
      region: inventory.region,
      accountId: inventory.accountId,
      configRuleName: inventory.configRuleName ?? DEFAULT_RULE_NAME,
    },
  };
}

/**
 * The Lambda's sweep, its batches kept instead of delivered. A listing that fails before naming any notebook
 * throws; one that fails part-way, or earlier results that cannot be read, are warned about (exit status 1).
 */
async function sweepAll(
  session: AccountSession,
  options: Omit<SweepOptions, 'deliver'>,
): Promise<ScanResult> {
  const evaluations: ResourceEvaluation[] = [];
  const result = await sweep(session, {
    ...options,
    deliver: async (batch) => {
      evaluations.push(...batch);
    },
  });
  const { listingError, priorResultsError } = result;
  if (listingError !== undefined && result.notebookCount === 0) throw listingError;
  if (listingError !== undefined)
    options.log.warn('Listing notebooks failed part-way: the rest were not evaluated', {
      error: describeError(listingError),
    });
  if (priorResultsError !== undefined)
    options.log.warn('Earlier results of the rule could not be read: vanished notebooks not marked', {
      error: describeError(priorResultsError),
    });
  return { ...result, evaluations };
}

/** Every listed notebook evaluated, and nothing left unread. */
function isComplete(result: SweepResult): boolean {
  return (
    result.failures.length + result.notStarted.length === 0 &&
    result.listingError === undefined &&
    result.priorResultsError === undefined
  );
}

export function formatTable({ title, parameters, result }: Scan): string {
  const rows = sortedRows(result.evaluations);
  const width = Math.max(8, ...rows.map((row) => row.notebook.length));
  const lines = [
    title,
    `Rule parameters: ${describeParameters(parameters)}`,
    '',
    `${'NOTEBOOK'.padEnd(width)}  ${'RESULT'.padEnd(14)}  REASON`,
    ...rows.map((row) =>
      `${row.notebook.padEnd(width)}  ${row.compliance.padEnd(14)}  ${row.annotation ?? ''}`.trimEnd(),
    ),
    ...result.failures.map(
      (failure) =>
        `${failure.notebook.padEnd(width)}  ${'ERROR'.padEnd(14)}  ${describeError(failure.error)}`,
    ),
    '',
    summary(result),
  ];
  return lines.join('\n');
}

export function formatJson({ title, parameters, result }: Scan): string {
  return JSON.stringify(
    {
      title,
      parameters: toInputParameters(parameters),
      evaluations: sortedRows(result.evaluations),
      failures: result.failures.map((failure) => ({
        notebook: failure.notebook,
        error: describeError(failure.error),
      })),
      notStarted: result.notStarted,
      summary: counts(result),
    },
    null,
    2,
  );
}

/** The findings the rule would import for these results: what `SECURITY_HUB_FINDINGS=import` sends. */
export function formatAsff({ result, scope }: Scan): string {
  const { region, accountId, configRuleName } = scope;
  const findings = accountId
    ? result.evaluations.flatMap(
        (evaluation) =>
          toFinding(evaluation, {
            partition: partitionOf(region),
            region,
            accountId,
            configRuleName,
            deliveredAt: new Date(),
          }) ?? [],
      )
    : [];
  return JSON.stringify(findings, null, 2);
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function sortedRows(evaluations: readonly ResourceEvaluation[]) {
  return evaluations
    .map((evaluation) => ({
      // A vanished notebook is known only by its resource id (often an ARN): show its last part.
      notebook: evaluation.notebook?.name ?? evaluation.resourceId.split('/').at(-1) ?? evaluation.resourceId,
      resourceId: evaluation.resourceId,
      compliance: evaluation.compliance,
      ...(evaluation.annotation && { annotation: evaluation.annotation }),
    }))
    .sort((a, b) => a.notebook.localeCompare(b.notebook));
}

function counts(result: ScanResult) {
  const byType = (type: string) => result.evaluations.filter((e) => e.compliance === type).length;
  return {
    notebooks: result.notebookCount,
    compliant: byType('COMPLIANT'),
    nonCompliant: byType('NON_COMPLIANT'),
    notApplicable: byType('NOT_APPLICABLE'),
    errors: result.failures.length + result.notStarted.length,
  };
}

function summary(result: ScanResult): string {
  const c = counts(result);
  return (
    `${c.notebooks} notebook(s) listed by SageMaker; ${c.compliant} COMPLIANT, ${c.nonCompliant} NON_COMPLIANT, ` +
    `${c.notApplicable} NOT_APPLICABLE (exempt or gone), ${c.errors} could not be evaluated.`
  );
}

function describeParameters(parameters: RuleParameters): string {
  return Object.entries(toInputParameters(parameters))
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

async function main(): Promise<number> {
  // The SDK versions are pinned and the Lambda runs on nodejs22.x: its Node 20 notice is noise in this report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let options: CliOptions | 'help';
  try {
    options = parseCliArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 1;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  if ('file' in options) return scanFile(options);
  const result = await scan(options, (line) => console.error(`warning: ${line}`));
  const format = { table: formatTable, json: formatJson, asff: formatAsff }[options.output];
  console.log(format(result));
  return isComplete(result.result) ? 0 : 1;
}

/** A template or plan scan: the rule's default parameters unless given; EC2 only with --live. */
async function scanFile(options: FileScanCliOptions): Promise<number> {
  const { file } = options;
  let parameters: RuleParameters;
  try {
    parameters = options.parameters ? parseRuleParameters(options.parameters) : DEFAULT_PARAMETERS;
  } catch (error) {
    console.error(`--parameters: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const live = options.live
    ? new NetworkFactsLookup(
        createRuleClients({
          ...(options.region && { region: options.region }),
          ...(options.profile && { credentials: fromIni({ profile: options.profile }) }),
        }).ec2,
      )
    : undefined;
  try {
    return await runFileScan(
      {
        kind: file.kind,
        file: file.path,
        parameters,
        output: options.output,
        softFail: options.softFail,
      },
      { out: (text) => console.log(text), err: (line) => console.error(line), ...(live && { live }) },
    );
  } catch (error) {
    console.error(describeError(error));
    return 2;
  }
}

// realpath: run through a symbolic link (node_modules/.bin/sagemaker-notebook-vpc-guard) it is still the entry.
if (process.argv[1] && realpathSync(process.argv[1]) === import.meta.filename) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(describeError(error));
      process.exitCode = 1;
    },
  );
}
