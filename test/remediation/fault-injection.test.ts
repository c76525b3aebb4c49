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
  replaceAsOwner,
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

/**
 * The same for BackupOnly and RestoreOnly (issue 14): whatever step fails, nothing was deleted and the notebook —
 * the original, or the replacement a backup is restored onto — is as it was: its own configuration, running, its
 * files, no temporary configuration left; and a rerun completes.
 */
const MODE_SLOTS = 32;
const modePaths: Record<'BackupOnly' | 'RestoreOnly', string[]> = { BackupOnly: [], RestoreOnly: [] };

/** An account with a BackupOnly backup of the notebook and its replacement by the owner; the backup's id. */
async function replacedAfterBackup(aws: FakeAws): Promise<string> {
  addNotebook(aws);
  const backup = await remediate(aws, python(), { Mode: 'BackupOnly' });
  replaceAsOwner(aws);
  return String(backup.outputs.get('ResolveNotebook.BackupId'));
}

const runOf = {
  BackupOnly: async (aws: FakeAws, options = {}) => {
    if (!aws.sagemaker.notebooks.has(NAME)) addNotebook(aws);
    return remediate(aws, python(), { Mode: 'BackupOnly' }, options);
  },
  RestoreOnly: async (aws: FakeAws, options = {}, backup?: string) =>
    remediate(aws, python(), { Mode: 'RestoreOnly', BackupExecutionId: backup ?? '' }, options),
};

beforeAll(async () => {
  const backupOnly = await runOf.BackupOnly(newAccount());
  modePaths.BackupOnly = [...new Set(backupOnly.steps.map((step) => step.name))];
  const aws = newAccount();
  const restoreOnly = await runOf.RestoreOnly(aws, {}, await replacedAfterBackup(aws));
  modePaths.RestoreOnly = [...new Set(restoreOnly.steps.map((step) => step.name))];
});

withBoto3.describe.each(['BackupOnly', 'RestoreOnly'] as const)(
  '%s: a failure injected at any step',
  (mode) => {
    it('enumerates the path', () => {
      expect(modePaths[mode]).toContain(mode === 'BackupOnly' ? 'VerifyBackup' : 'VerifyRestore');
      expect(modePaths[mode].length, 'a step without a slot is never injected').toBeLessThanOrEqual(
        MODE_SLOTS,
      );
    });

    it.each(Array.from({ length: MODE_SLOTS }, (_, index) => index))('step #%i', async (index) => {
      const step = modePaths[mode][index];
      if (step === undefined) return;
      const aws = newAccount();
      const backup = mode === 'RestoreOnly' ? await replacedAfterBackup(aws) : undefined;
      const notebook = aws.sagemaker.notebooks.get(NAME) ?? addNotebook(aws);
      const files = new Map(notebook.volume);
      const since = aws.calls.length;
      const failed = await runOf[mode](aws, { injectFailureAt: step }, backup);
      expect(failed.status, step).toBe('Failed');
      expect(
        aws.calls.slice(since).filter((call) => call.operation === 'DeleteNotebookInstance'),
        step,
      ).toEqual([]);
      expect(aws.sagemaker.notebooks.get(NAME), step).toBe(notebook);
      expect(notebook.lifecycleConfigName, step).toBe(OWN_CONFIG);
      expect(notebook.status, step).toBe('InService');
      expect([...aws.sagemaker.lifecycleConfigs.keys()], step).toEqual([OWN_CONFIG]);
      for (const [path, content] of files)
        expect(notebook.volume.get(path), `${step}: ${path}`).toBe(content);

      const rerun = await runOf[mode](aws, {}, backup);
      expect(rerun.failure, step).toBeUndefined();
      if (mode === 'RestoreOnly')
        for (const [path, content] of ORIGINAL_FILES)
          expect(notebook.volume.get(path), `${step}: ${path}`).toBe(content);
    });
  },
);
