/**
 * The lifecycle hooks' real shell, run with bash against a fake `aws` CLI that maps s3://bucket/key to a
 * local folder: the backup copies the volume and writes a marker with the true file count and bytes; the
 * restore copies it back, hands it to the notebook user, writes its marker and a sentinel, and skips on the
 * next start.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FAKE_AWS_CLI = `#!/bin/bash
# Fake aws CLI: "s3 sync SRC DST [flags]" and "s3 cp - DST [flags]", s3:// mapped under $FAKE_S3_ROOT.
set -eu
[ "$1" = s3 ] || exit 9
local_path() { case "$1" in s3://*) echo "$FAKE_S3_ROOT/\${1#s3://}" ;; *) echo "$1" ;; esac; }
case "$2" in
  sync) src=$(local_path "$3"); dst=$(local_path "$4"); mkdir -p "$dst"
        [ -n "\${FAKE_AWS_FAIL:-}" ] && exit 1
        cp -R "$src"/. "$dst"/ ;;
  cp)   dst=$(local_path "$4"); mkdir -p "$(dirname "$dst")"; cat > "$dst" ;;
  *)    exit 9 ;;
esac
`;

function hook(file: string, backupId: string): string {
  const template = readFileSync(new URL(`../../remediation/scripts/hooks/${file}`, import.meta.url), 'utf8');
  const marker = file.startsWith('backup') ? 'backup-complete.json' : 'restore-complete.json';
  return template
    .replace('__DATA_URI__', 's3://bucket/p/MyNotebook/id/data/')
    .replace('__MARKER_URI__', `s3://bucket/p/MyNotebook/id/${marker}`)
    .replace('__REGION__', 'eu-west-1')
    .replace('__BACKUP_ID__', backupId);
}

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'vpc-guard-hooks-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'aws'), FAKE_AWS_CLI);
  chmodSync(join(bin, 'aws'), 0o755);
  return { root, bin, s3: join(root, 's3'), volume: join(root, 'volume') };
}

function runHook(box: ReturnType<typeof sandbox>, script: string, extraEnv: Record<string, string> = {}) {
  const uid = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
  const result = spawnSync('bash', ['-c', script], {
    env: {
      PATH: `${box.bin}:/usr/bin:/bin`,
      FAKE_S3_ROOT: box.s3,
      VPC_GUARD_VOLUME: box.volume,
      VPC_GUARD_OWNER: uid,
      VPC_GUARD_LOG: join(box.root, 'hook.log'),
      ...extraEnv,
    },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
}

async function marker(path: string): Promise<Record<string, unknown>> {
  for (let waited = 0; waited < 10_000 && !existsSync(path); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('lifecycle hooks', () => {
  it('backup: copies the volume in the background and reports files and bytes', async () => {
    const box = sandbox();
    mkdirSync(join(box.volume, 'data'), { recursive: true });
    writeFileSync(join(box.volume, 'a.ipynb'), '12345');
    writeFileSync(join(box.volume, 'data', 'b.csv'), '1234567890');
    writeFileSync(join(box.volume, 'data', 'empty'), '');
    runHook(box, hook('backup-on-start.sh', 'id'));
    expect(await marker(join(box.s3, 'bucket/p/MyNotebook/id/backup-complete.json'))).toEqual({
      Status: 'ok',
      ExitCode: 0,
      Files: 3,
      Bytes: 15,
    });
    expect(readFileSync(join(box.s3, 'bucket/p/MyNotebook/id/data/data/b.csv'), 'utf8')).toBe('1234567890');
  });

  it('backup: a failed copy is reported as failed', async () => {
    const box = sandbox();
    mkdirSync(box.volume);
    runHook(box, hook('backup-on-start.sh', 'id'), { FAKE_AWS_FAIL: '1' });
    expect(await marker(join(box.s3, 'bucket/p/MyNotebook/id/backup-complete.json'))).toMatchObject({
      Status: 'failed',
      ExitCode: 1,
    });
  });

  it('restore: copies the backup back, writes marker and sentinel, and skips on the next start', async () => {
    const box = sandbox();
    mkdirSync(join(box.s3, 'bucket/p/MyNotebook/id/data/models'), { recursive: true });
    writeFileSync(join(box.s3, 'bucket/p/MyNotebook/id/data/models/m.pkl'), 'weights');
    mkdirSync(join(box.volume, 'repo'), { recursive: true });
    writeFileSync(join(box.volume, 'repo', 'README.md'), 'fresh clone');
    const restore = hook('restore-on-start.sh', 'id');
    runHook(box, restore);
    const markerPath = join(box.s3, 'bucket/p/MyNotebook/id/restore-complete.json');
    expect(await marker(markerPath)).toEqual({ Status: 'ok', ExitCode: 0, Files: 2, Bytes: 18 });
    expect(readFileSync(join(box.volume, 'models', 'm.pkl'), 'utf8')).toBe('weights');
    expect(existsSync(join(box.volume, '.sagemaker-notebook-vpc-guard', 'restored-id'))).toBe(true);

    writeFileSync(join(box.volume, 'models', 'm.pkl'), 'edited by the user');
    writeFileSync(markerPath, 'untouched');
    runHook(box, restore);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(join(box.volume, 'models', 'm.pkl'), 'utf8')).toBe('edited by the user');
    expect(readFileSync(markerPath, 'utf8')).toBe('untouched');
  });
});
