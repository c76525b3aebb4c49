/**
 * Unit tests of the script steps (test/remediation/python, botocore Stubber), run against the scripts as
 * shipped in the document: each embedded script is written out as an importable module. Fails, never skips,
 * when /usr/bin/python3 or botocore is missing (.ci/run installs Debian's python3-boto3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { embeddedScript, SCRIPT_FILES } from '../../remediation/index';

it('the Python step tests pass against the shipped scripts', () => {
  const modules = mkdtempSync(join(tmpdir(), 'vpc-guard-steps-'));
  for (const file of SCRIPT_FILES) writeFileSync(join(modules, `${file}.py`), embeddedScript(file));
  const tests = new URL('./python/', import.meta.url).pathname;
  const run = spawnSync(
    '/usr/bin/python3',
    ['-m', 'unittest', 'discover', '-s', tests, '-p', 'test_*.py', '-v'],
    {
      env: { ...process.env, PYTHONPATH: `${modules}:${tests}`, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    },
  );
  const report = `${run.stdout}${run.stderr}`;
  expect(run.error).toBeUndefined();
  expect(report, report).toMatch(/\nOK\n/);
  expect(Number(/Ran (\d+) tests?/.exec(report)?.[1])).toBeGreaterThanOrEqual(20);
  expect(run.status, report).toBe(0);
});
