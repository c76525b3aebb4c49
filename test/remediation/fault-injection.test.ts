/**
 * Fault injection over the flow simulation: for every step the happy path runs, a failure injected at that
 * step leaves either the original notebook intact (before the delete) or a manifest and a verified backup
 * from which a rerun completes; and in both cases a rerun with the same parameters completes, data included.
 */
import { beforeAll, expect, it } from 'vitest';
import { withBoto3 } from '../support/needs-python';
import type { FakeAws } from './simulation/fake-aws';
import {
  addNotebook,
  NAME,
  newAccount,
  ORIGINAL_FILES,
  OWN_CONFIG,
  objectsEndingWith,
  pythonBridgePerFile,
  remediate,
  TARGET_SUBNET,
} from './simulation/world';

/** Test slots, one per step of the happy path (vitest needs their number before the happy path has run). */
const SLOTS = 45;
const python = pythonBridgePerFile();
let happyPathSteps: string[] = [];

beforeAll(async () => {
  const aws = newAccount();
  addNotebook(aws);
  const execution = await remediate(aws, python());
  happyPathSteps = [...new Set(execution.steps.map((step) => step.name))];
});

function originalIntact(aws: FakeAws): boolean {
  const notebook = aws.sagemaker.notebooks.get(NAME);
  return (
    notebook !== undefined &&
    notebook.settings.SubnetId === undefined &&
    notebook.lifecycleConfigName === OWN_CONFIG &&
    [...ORIGINAL_FILES].every(([path, content]) => notebook.volume.get(path) === content)
  );
}

function recoverableFromManifest(aws: FakeAws): boolean {
  const manifests = objectsEndingWith(aws, '/manifest.json');
  const backups = objectsEndingWith(aws, '/backup-complete.json');
  return (
    manifests.length === 1 &&
    objectsEndingWith(aws, '/completed.json').length === 0 &&
    backups.some((marker) => marker.Status === 'ok')
  );
}

withBoto3.describe('a failure injected at any step', () => {
  it('enumerates the happy path', () => {
    expect(happyPathSteps).toContain('PrepareManifest');
    expect(happyPathSteps.length).toBeGreaterThan(30);
    expect(happyPathSteps.length, 'a step without a slot is never injected').toBeLessThanOrEqual(SLOTS);
  });

  it.each(Array.from({ length: SLOTS }, (_, index) => index))('step #%i', async (index) => {
    const step = happyPathSteps[index];
    if (step === undefined) return; // fewer steps than slots: nothing to inject here
    const aws = newAccount();
    addNotebook(aws);
    const failed = await remediate(aws, python(), {}, { injectFailureAt: step });
    expect(failed.status, step).toBe('Failed');
    const deleted = aws.calls.some((call) => call.operation === 'DeleteNotebookInstance');
    if (deleted) expect(recoverableFromManifest(aws), `${step}: manifest and backup`).toBe(true);
    else expect(originalIntact(aws), `${step}: original intact`).toBe(true);

    const rerun = await remediate(aws, python());
    expect(rerun.failure, step).toBeUndefined();
    const notebook = aws.sagemaker.notebooks.get(NAME);
    expect(notebook?.settings.SubnetId, step).toBe(TARGET_SUBNET);
    expect(notebook?.lifecycleConfigName, step).toBe(OWN_CONFIG);
    for (const [path, content] of ORIGINAL_FILES)
      expect(notebook?.volume.get(path), `${step}: ${path}`).toBe(content);
    expect([...aws.sagemaker.lifecycleConfigs.keys()], step).toEqual([OWN_CONFIG]);
  });
});
