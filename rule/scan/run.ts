/**
 * `npm start -- --template <file>` / `--terraform-plan <file>`: read the file, evaluate every notebook with
 * the rule's checks, print table, JSON or SARIF, and return the exit status (0 clean, 1 NON_COMPLIANT unless
 * soft-fail, 2 unreadable input or a notebook not fully evaluated). A file that cannot be read is one line.
 */
import { readFile } from 'node:fs/promises';
import type { RuleParameters } from '../parameters';
import { readCloudFormationTemplate } from './cloudformation';
import type { LiveNetwork } from './facts';
import { formatScanJson, formatScanTable } from './output';
import { type PlannedFile, ScanInputError } from './planned';
import { toSarif } from './sarif';
import { exitStatus, scanPlannedFile } from './scan';
import { readTerraformPlan } from './terraform-plan';

export type FileKind = 'template' | 'terraform-plan';
export type FileScanOutput = 'table' | 'json' | 'sarif';

export interface FileScanOptions {
  readonly kind: FileKind;
  readonly file: string;
  readonly parameters: RuleParameters;
  readonly output: FileScanOutput;
  readonly softFail: boolean;
}

export interface FileScanIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
  /** Present with --live: EC2 lookups for what the file does not define. */
  readonly live?: LiveNetwork;
}

export async function runFileScan(options: FileScanOptions, io: FileScanIo): Promise<0 | 1 | 2> {
  let planned: PlannedFile;
  try {
    planned = await readPlannedFile(options.kind, options.file);
  } catch (error) {
    if (!(error instanceof ScanInputError)) throw error;
    io.err(error.message);
    return 2;
  }
  const scan = await scanPlannedFile(planned, options.parameters, io.live);
  const status = exitStatus(scan, options.softFail);
  const format = {
    table: formatScanTable,
    json: formatScanJson,
    sarif: (s: typeof scan) => JSON.stringify(toSarif(s), null, 2),
  };
  io.out(format[options.output](scan, status));
  return status;
}

export async function readPlannedFile(kind: FileKind, file: string): Promise<PlannedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new ScanInputError(`${file}: cannot be read (${reason})`);
  }
  return kind === 'template' ? readCloudFormationTemplate(text, file) : readTerraformPlan(text, file);
}
