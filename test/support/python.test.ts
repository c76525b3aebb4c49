/**
 * The Python probe behind the test gates: what it finds without python3, with python3 but no boto3 (a
 * stand-in boto3 on PYTHONPATH whose import fails), and with both; and what it prints, CI or not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonFor, withBoto3, withPython3 } from './needs-python';
import {
  interpreterFor,
  missingPythonNotice,
  PythonMissingError,
  probePython,
  pythonRequired,
} from './python';

const HOW_TO_GET = /To run them: apt-get install python3-boto3, or .*pip install boto3/;

describe('probePython', () => {
  it('finds no interpreter where VPC_GUARD_PYTHON names none', () => {
    const probe = probePython({ ...process.env, VPC_GUARD_PYTHON: '/nonexistent/python3' });
    expect(probe).toEqual({ boto3: false, missing: expect.stringMatching(HOW_TO_GET) });
    expect(probe.missing).toMatch(/^no python3 runs \(spawnSync \/nonexistent\/python3 ENOENT\)\./);
    expect(() => interpreterFor(probe, 'python3')).toThrow(PythonMissingError);
  });

  withPython3.it('finds the interpreter but not boto3 when boto3 does not import', () => {
    const withoutBoto3 = mkdtempSync(join(tmpdir(), 'vpc-guard-no-boto3-'));
    try {
      mkdirSync(join(withoutBoto3, 'boto3'));
      writeFileSync(
        join(withoutBoto3, 'boto3', '__init__.py'),
        `raise ModuleNotFoundError("No module named 'boto3'", name='boto3')\n`,
      );
      const interpreter = pythonFor('python3');
      const probe = probePython({ ...process.env, VPC_GUARD_PYTHON: interpreter, PYTHONPATH: withoutBoto3 });
      expect(probe).toEqual({ interpreter, boto3: false, missing: expect.stringMatching(HOW_TO_GET) });
      expect(probe.missing).toContain(
        `${interpreter} cannot import boto3/botocore (ModuleNotFoundError: No module named 'boto3').`,
      );
      expect(interpreterFor(probe, 'python3')).toBe(interpreter);
      expect(() => interpreterFor(probe, 'boto3')).toThrow(PythonMissingError);
    } finally {
      rmSync(withoutBoto3, { recursive: true, force: true });
    }
  });

  withBoto3.it('finds boto3 where it imports', () => {
    const interpreter = pythonFor('boto3');
    const probe = probePython({ ...process.env, VPC_GUARD_PYTHON: interpreter });
    expect(probe).toEqual({ interpreter, boto3: true });
    expect(interpreterFor(probe, 'boto3')).toBe(interpreter);
  });
});

describe('missing Python', () => {
  const missing = { boto3: false, missing: 'no python3 runs (…). To run them: …' };

  it('is required under CI only', () => {
    expect(pythonRequired({ CI: 'true' })).toBe(true);
    expect(pythonRequired({ CI: '1' })).toBe(true);
    expect(pythonRequired({ CI: 'false' })).toBe(false);
    expect(pythonRequired({})).toBe(false);
  });

  it('is one line: skipped, or under CI failing', () => {
    expect(missingPythonNotice(missing, false)).toBe(
      'Skipping Python suites: no python3 runs (…). To run them: …',
    );
    expect(missingPythonNotice(missing, true)).toBe(
      'Python suites fail instead of skipping (CI is set): no python3 runs (…). To run them: …',
    );
  });

  it('says nothing when nothing is missing', () => {
    expect(missingPythonNotice({ interpreter: 'python3', boto3: true }, true)).toBeUndefined();
  });
});
