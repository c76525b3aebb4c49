/**
 * Unit tests of the script steps (test/remediation/python, botocore Stubber), run against the scripts as
 * shipped in the document: each embedded script is written out as an importable module.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'vitest';
import { embeddedScript, SCRIPT_FILES } from '../../remediation/index';
import { pythonFor, withBoto3 } from '../support/needs-python';
import { PYTHON_TIMEOUT_MS } from '../support/python';

withBoto3.it('the Python step tests pass against the shipped scripts', () => {
  const modules = mkdtempSync(join(tmpdir(), 'vpc-guard-steps-'));
  for (const file of SCRIPT_FILES) writeFileSync(join(modules, `${file}.py`), embeddedScript(file));
  const tests = new URL('./python/', import.meta.url).pathname;
  const run = spawnSync(
    pythonFor('boto3'),
    ['-m', 'unittest', 'discover', '-s', tests, '-p', 'test_*.py', '-v'],
    {
      env: {
        ...process.env,
        // The caller's PYTHONPATH stays last: the global setup probed boto3 with it.
        PYTHONPATH: [modules, tests, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
        PYTHONDONTWRITEBYTECODE: '1',
      },
      encoding: 'utf8',
      timeout: PYTHON_TIMEOUT_MS,
    },
  );
  const report = `${run.stdout}${run.stderr}`;
  expect(run.error).toBeUndefined();
  expect(report, report).toMatch(/\nOK\n/);
  expect(Number(/Ran (\d+) tests?/.exec(report)?.[1])).toBeGreaterThanOrEqual(20);
  expect(run.status, report).toBe(0);
});
