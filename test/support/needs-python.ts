/**
 * Gates for test files: a suite or test that needs Python is skipped where the global setup did not find it
 * (the setup prints what is missing), except under CI, where it runs and fails. Test files only: inject()
 * needs vitest.
 */
import { describe, inject, it } from 'vitest';
import { interpreterFor, type PythonNeed } from './python';

const PYTHON = inject('python');
const REQUIRED = inject('pythonRequired');

function gate(found: boolean) {
  const skip = !found && !REQUIRED;
  return { describe: describe.skipIf(skip), it: it.skipIf(skip) };
}

export const withPython3 = gate(PYTHON.interpreter !== undefined);
export const withBoto3 = gate(PYTHON.boto3);

/** The interpreter for `need`; call it inside a gated suite or test (it throws what is missing). */
export const pythonFor = (need: PythonNeed): string => interpreterFor(PYTHON, need);
