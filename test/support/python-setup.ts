/**
 * vitest global setup: probes Python once per run and hands the result to the test files (inject('python')),
 * printing one line when something is missing: the suites that need it are skipped, or under CI fail, so CI
 * never silently loses the runbook's Python tests.
 */
import type { TestProject } from 'vitest/node';
import { missingPythonNotice, probePython, pythonRequired } from './python';

export default function setup(project: TestProject): void {
  const probe = probePython();
  const required = pythonRequired();
  const notice = missingPythonNotice(probe, required);
  if (notice) console.warn(notice);
  project.provide('python', probe);
  project.provide('pythonRequired', required);
}
