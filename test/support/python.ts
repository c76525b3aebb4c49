/**
 * Which Python the tests can use. The runbook's script steps import boto3 and botocore (and their unit tests
 * botocore.stub), so most Python suites need those; a few only need an interpreter. The vitest global setup
 * (python-setup.ts) probes once per run; `npm run bench` probes for itself.
 */
import { spawnSync } from 'node:child_process';

/** Names the interpreter to use, alone (`VPC_GUARD_PYTHON=/nonexistent npm test` runs as without Python). */
export const PYTHON_VARIABLE = 'VPC_GUARD_PYTHON';
const CANDIDATES = ['/usr/bin/python3', 'python3'];
/**
 * The longest any Python the tests start may run or stay silent. Each takes under 2 s on a 2-core machine
 * (importing boto3 about 0.3 s); the slack is for a busy machine: this only ends a stuck process.
 */
export const PYTHON_TIMEOUT_MS = 20_000;
const PROBE = `
try:
    import boto3, botocore.stub
except Exception as error:
    print(f"{type(error).__name__}: {error}")
else:
    print("ok")
`;

/** What a test needs: an interpreter, or one that imports boto3 and botocore.stub. */
export type PythonNeed = 'python3' | 'boto3';

export interface PythonProbe {
  /** The interpreter that ran, preferring one with boto3; absent when none did. */
  readonly interpreter?: string;
  readonly boto3: boolean;
  /** One line: what is missing and how to get it ("To run them: …"); absent when nothing is. */
  readonly missing?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    python: PythonProbe;
    pythonRequired: boolean;
  }
}

export class PythonMissingError extends Error {
  override readonly name = 'PythonMissingError';
}

const PICK = 'VPC_GUARD_PYTHON=<python> picks the interpreter';

/** Runs the probe in each candidate (only VPC_GUARD_PYTHON when set); the first with boto3 wins. */
export function probePython(env: NodeJS.ProcessEnv = process.env): PythonProbe {
  const candidates = env[PYTHON_VARIABLE] ? [env[PYTHON_VARIABLE]] : CANDIDATES;
  const failures: string[] = [];
  let withoutBoto3: { interpreter: string; reason: string } | undefined;
  for (const candidate of candidates) {
    const run = spawnSync(candidate, ['-c', PROBE], { encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS, env });
    if (run.error) {
      failures.push(run.error.message);
    } else if (run.status !== 0) {
      failures.push(`${candidate} exited with ${run.status}: ${run.stderr.trim().split('\n').at(-1)}`);
    } else if (run.stdout.trim() === 'ok') {
      return { interpreter: candidate, boto3: true };
    } else {
      withoutBoto3 ??= { interpreter: candidate, reason: run.stdout.trim() };
    }
  }
  if (withoutBoto3) {
    const { interpreter, reason } = withoutBoto3;
    return {
      interpreter,
      boto3: false,
      missing:
        `${interpreter} cannot import boto3/botocore (${reason}). ` +
        `To run them: apt-get install python3-boto3, or pip install boto3 (${PICK}).`,
    };
  }
  return {
    boto3: false,
    missing:
      `no python3 runs (${failures.join('; ')}). ` +
      `To run them: apt-get install python3-boto3, or install python3 and pip install boto3 (${PICK}).`,
  };
}

/** Under CI a missing Python fails the suites that need it instead of skipping them. */
export function pythonRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? '');
}

/** The one line to print about what is missing, if anything is. */
export function missingPythonNotice(probe: PythonProbe, required: boolean): string | undefined {
  if (!probe.missing) return undefined;
  return required
    ? `Python suites fail instead of skipping (CI is set): ${probe.missing}`
    : `Skipping Python suites: ${probe.missing}`;
}

/** The interpreter for `need`, or a PythonMissingError naming what is missing. */
export function interpreterFor(probe: PythonProbe, need: PythonNeed): string {
  if (probe.interpreter && (need === 'python3' || probe.boto3)) return probe.interpreter;
  throw new PythonMissingError(probe.missing);
}
