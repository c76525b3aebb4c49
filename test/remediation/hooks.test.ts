/**
 * The lifecycle hooks' real shell, rendered by the shipped Python (render: strict patterns, one pass) and run
 * with bash against fakes of what a notebook has: an `aws` CLI whose S3 is a local folder of plain objects
 * (bytes only: no modes, links or folders survive in it, as in S3), `sts get-caller-identity`, `systemctl` and
 * `sudo`, each recording how it was called.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedScript } from '../../remediation/index';
import { pythonFor, withPython3 } from '../support/needs-python';
import { WITHOUT_THE_SDK } from './without-the-sdk';

const USER_ID = 'AROAEXAMPLENOTEBOOK1:SageMaker';
const BACKUP_ID = '11111111-2222-4333-8444-555555555555';
const AREA = `bucket/p/data/${USER_ID}/MyNotebook/${BACKUP_ID}`;

/** Fake notebook commands; each appends its arguments to $FAKE_LOG. */
const FAKES: Record<string, string> = {
  aws: `#!/bin/bash
# s3 cp - s3://B/K (upload stdin), s3 cp s3://B/K - (download to stdout), sts get-caller-identity.
set -eu
echo "aws $*" >>"$FAKE_LOG"
object() { echo "$FAKE_S3_ROOT/\${1#s3://}"; }
if [ "$1" = sts ]; then [ -z "\${FAKE_STS_FAIL:-}" ] || exit 255; echo "$FAKE_USER_ID"; exit 0; fi
[ "$1 $2" = "s3 cp" ] || exit 9
if [ "$3" = - ]; then
  target=$(object "$4"); mkdir -p "$(dirname "$target")"
  [ -n "\${FAKE_WRITE_DURING_UPLOAD:-}" ] && echo changed >>"$FAKE_WRITE_DURING_UPLOAD"
  cat >"$target.partial"
  case "$target" in *.tar) [ -z "\${FAKE_UPLOAD_FAIL:-}" ] || exit 1 ;; esac
  mv "$target.partial" "$target"
else
  cat "$(object "$3")"
fi
`,
  systemctl: `#!/bin/bash
echo "systemctl $*" >>"$FAKE_LOG"
[ "$1" != cat ] || [ -n "\${FAKE_JUPYTER:-}" ]
`,
  sudo: `#!/bin/bash
echo "sudo $*" >>"$FAKE_LOG"
[ "$1" = -u ] && [ "$2" = ec2-user ] || exit 9
shift 2
exec "$@"
`,
};

type Box = ReturnType<typeof sandbox>;

function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'vpc-guard-hooks-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  for (const [name, script] of Object.entries(FAKES)) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  const volume = join(root, 'volume');
  mkdirSync(volume);
  return { root, bin, s3: join(root, 's3'), volume, log: join(root, 'calls.log') };
}

/**
 * Renders a hook with the shipped Python's render (the values checked against their patterns, one pass). Only
 * render runs: the AWS SDK the script imports is stood in for, so these tests need python3 only.
 */

/** Where each hook is rendered: the check renders the backup hook and RestoreOnly's restore hook; CreateNotebook the restore hook of a recreation. */
type Hook = 'backup' | 'restore' | 'restore-only';
const RENDERED_BY = {
  backup: ['check_notebook', 'BACKUP_HOOK'],
  restore: ['create_notebook', 'RESTORE_HOOK'],
  'restore-only': ['check_notebook', 'RESTORE_HOOK'],
} as const;

function rendered(hook: Hook, values: Record<string, string>): string {
  const [script, variable] = RENDERED_BY[hook];
  const program = `${WITHOUT_THE_SDK}\nscope = {}\nexec(sys.stdin.read(), scope)\nprint(scope['render'](scope['${variable}'], json.loads(sys.argv[1])), end='')`;
  const run = spawnSync(pythonFor('python3'), ['-c', program, JSON.stringify(values)], {
    input: embeddedScript(script),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr.trim().split('\n').at(-1));
  return run.stdout;
}

const backupValues = (values: Record<string, string> = {}) => ({
  BUCKET: 'bucket',
  PREFIX: 'p',
  NAME: 'MyNotebook',
  BACKUP_ID,
  ROLE_ID: 'AROAEXAMPLENOTEBOOK1',
  REGION: 'eu-west-1',
  ...values,
});

const restoreValues = (sha256: string, freshVolume = 'true') => ({
  BUCKET: 'bucket',
  PREFIX: 'p',
  USER_ID,
  NAME: 'MyNotebook',
  BACKUP_ID,
  SHA256: sha256,
  REGION: 'eu-west-1',
  FRESH_VOLUME: freshVolume,
});

function runHook(box: Box, script: string, env: Record<string, string> = {}) {
  const result = spawnSync('bash', ['-c', script], {
    env: {
      PATH: `${box.bin}:/usr/bin:/bin`,
      FAKE_S3_ROOT: box.s3,
      FAKE_LOG: box.log,
      FAKE_USER_ID: USER_ID,
      FAKE_JUPYTER: '1',
      VPC_GUARD_VOLUME: box.volume,
      VPC_GUARD_LOG: join(box.root, 'hook.log'),
      VPC_GUARD_WATCH_INTERVAL: '0.1',
      VPC_GUARD_WATCH_SECONDS: '3',
      ...env,
    },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function marker(box: Box, name: string, status?: string): Promise<Record<string, unknown>> {
  const path = join(box.s3, AREA, name);
  return waitFor(
    () => {
      if (!existsSync(path)) return undefined;
      const found = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      return status === undefined || found.Status === status ? found : undefined;
    },
    `${name}${status ? ` ${status}` : ''}`,
  );
}

/** Every entry under a folder: type, mode, link target or content (what a round trip must keep). */
function tree(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = join(relative, name);
      const stat = lstatSync(join(root, path));
      const mode = (stat.mode & 0o777).toString(8);
      if (stat.isSymbolicLink()) entries[path] = `link -> ${readlinkSync(join(root, path))}`;
      else if (stat.isDirectory()) {
        entries[path] = `dir ${mode}`;
        walk(path);
      } else entries[path] = `file ${mode} ${readFileSync(join(root, path), 'utf8')}`;
    }
  };
  walk('');
  return entries;
}

function notebookVolume(box: Box): void {
  mkdirSync(join(box.volume, 'env', 'bin'), { recursive: true });
  writeFileSync(join(box.volume, 'env', 'bin', 'python'), '#!/bin/sh\necho conda\n');
  chmodSync(join(box.volume, 'env', 'bin', 'python'), 0o755);
  symlinkSync('bin/python', join(box.volume, 'env', 'python3'));
  mkdirSync(join(box.volume, 'empty', 'nested'), { recursive: true });
  writeFileSync(join(box.volume, 'résumé de l’été 2026.ipynb'), '{"cells": ["naïve"]}');
  writeFileSync(join(box.volume, 'データ.csv'), 'a,b\n1,2\n');
  mkdirSync(join(box.volume, '.sagemaker-notebook-vpc-guard'));
  writeFileSync(join(box.volume, '.sagemaker-notebook-vpc-guard', 'restored-earlier-run'), '');
}

/** notebookVolume backed up by the backup hook, and another notebook's sandbox that sees the same S3. */
async function backedUpElsewhere(): Promise<{ backup: Record<string, unknown>; other: Box }> {
  const box = sandbox();
  notebookVolume(box);
  runHook(box, rendered('backup', backupValues()));
  const backup = await marker(box, 'backup-complete.json');
  const other = sandbox();
  spawnSync('cp', ['-R', box.s3, other.s3]);
  return { backup, other };
}

withPython3.describe('lifecycle hooks', () => {
  it('§3 round trip: a tree with a symlink, an executable, an empty directory and a file with spaces and non-ASCII characters in its name comes back identical', async () => {
    const box = sandbox();
    notebookVolume(box);
    const original = tree(box.volume);
    runHook(box, rendered('backup', backupValues()));
    const backup = await marker(box, 'backup-complete.json');
    expect(backup).toMatchObject({ Status: 'ok', ExitCode: 0, Jupyter: 'stopped' });
    const archive = readFileSync(join(box.s3, AREA, 'volume.tar'));
    expect(backup.Bytes).toBe(archive.length);
    expect(backup.Sha256).toBe(
      (await import('node:crypto')).createHash('sha256').update(archive).digest('hex'),
    );

    const restored = sandbox();
    spawnSync('cp', ['-R', box.s3, restored.s3]);
    runHook(restored, rendered('restore', restoreValues(String(backup.Sha256))));
    expect(await marker(restored, 'restore-complete.json')).toEqual({
      Status: 'ok',
      ExitCode: 0,
      Sha256: backup.Sha256,
      Into: '.',
    });
    const { [`.sagemaker-notebook-vpc-guard/restored-${BACKUP_ID}`]: sentinel, ...back } = tree(
      restored.volume,
    );
    expect(sentinel).toMatch(/^file /);
    const { '.sagemaker-notebook-vpc-guard/restored-earlier-run': _earlier, ...expected } = original;
    expect({ ...back, '.sagemaker-notebook-vpc-guard': expected['.sagemaker-notebook-vpc-guard'] }).toEqual(
      expected,
    );
  });

  it('backup: stops and masks the Jupyter server first, reads its own aws:userid, and reports it stopped', async () => {
    const box = sandbox();
    notebookVolume(box);
    runHook(box, rendered('backup', backupValues()));
    await marker(box, 'backup-complete.json');
    const calls = readFileSync(box.log, 'utf8').split('\n');
    expect(calls.slice(0, 4)).toEqual([
      'systemctl cat jupyter-server',
      'systemctl mask --runtime jupyter-server',
      'systemctl stop jupyter-server',
      'aws sts get-caller-identity --query UserId --output text',
    ]);
  });

  it('backup: without a jupyter-server unit it says so; without STS it writes to <role id>:SageMaker', async () => {
    const box = sandbox();
    notebookVolume(box);
    runHook(box, rendered('backup', backupValues()), { FAKE_JUPYTER: '', FAKE_STS_FAIL: '1' });
    expect(await marker(box, 'backup-complete.json')).toMatchObject({ Status: 'ok', Jupyter: 'not-found' });
  });

  it('backup: a failed upload is reported as failed', async () => {
    const box = sandbox();
    notebookVolume(box);
    runHook(box, rendered('backup', backupValues()), { FAKE_UPLOAD_FAIL: '1' });
    expect(await marker(box, 'backup-complete.json')).toMatchObject({ Status: 'failed', ExitCode: 1 });
  });

  it('§4 a file changed while the archive is made: the marker says "changed"', async () => {
    const box = sandbox();
    notebookVolume(box);
    const edited = join(box.volume, 'データ.csv');
    runHook(box, rendered('backup', backupValues()), { FAKE_WRITE_DURING_UPLOAD: edited });
    expect(await marker(box, 'backup-complete.json')).toMatchObject({ Status: 'changed' });
  });

  it('§4 a file changed after the backup, before the notebook stops: the watcher turns the marker "changed"', async () => {
    const box = sandbox();
    notebookVolume(box);
    runHook(box, rendered('backup', backupValues()));
    const ok = await marker(box, 'backup-complete.json', 'ok');
    writeFileSync(join(box.volume, 'late edit.py'), 'print(1)\n');
    expect(await marker(box, 'backup-complete.json', 'changed')).toMatchObject({ Sha256: ok.Sha256 });
  });

  it('restore: stops and masks the Jupyter server first, unpacks as ec2-user, not root; skips on the next start once its sentinel is there', async () => {
    const { backup, other: restored } = await backedUpElsewhere();
    const restore = rendered('restore', restoreValues(String(backup.Sha256)));
    runHook(restored, restore);
    await marker(restored, 'restore-complete.json');
    const calls = readFileSync(restored.log, 'utf8');
    expect(calls.split('\n').slice(0, 3)).toEqual([
      'systemctl cat jupyter-server',
      'systemctl mask --runtime jupyter-server',
      'systemctl stop jupyter-server',
    ]);
    expect(calls).toMatch(
      /^sudo -u ec2-user tar --extract --file=- --directory=\S+ --preserve-permissions$/m,
    );
    writeFileSync(join(restored.volume, 'データ.csv'), 'edited by the user');
    runHook(restored, restore);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(join(restored.volume, 'データ.csv'), 'utf8')).toBe('edited by the user');
  });

  it('restore: an archive that is not the verified one is reported as a mismatch, and leaves no sentinel', async () => {
    const box = sandbox();
    notebookVolume(box);
    runHook(box, rendered('backup', backupValues()));
    await marker(box, 'backup-complete.json');
    runHook(box, rendered('restore', restoreValues('0'.repeat(64))));
    expect(await marker(box, 'restore-complete.json')).toMatchObject({ Status: 'mismatch' });
    expect(existsSync(join(box.volume, '.sagemaker-notebook-vpc-guard', `restored-${BACKUP_ID}`))).toBe(
      false,
    );
  });

  describe('RestoreOnly: nothing a user made on the replacement is overwritten', () => {
    /** A backup of notebookVolume, and a replacement volume prepared by `prepare`; the restore's marker. */
    async function restoreOnto(prepare: (volume: string) => void) {
      const { backup, other: replacement } = await backedUpElsewhere();
      mkdirSync(join(replacement.volume, 'lost+found'));
      prepare(replacement.volume);
      runHook(replacement, rendered('restore-only', restoreValues(String(backup.Sha256), 'false')));
      return { marker: await marker(replacement, 'restore-complete.json'), volume: replacement.volume };
    }

    /** A git clone as SageMaker makes one of a code repository: one commit, nothing changed since. */
    function clone(volume: string, name: string): string {
      const repository = join(volume, name);
      mkdirSync(repository);
      writeFileSync(join(repository, 'README.md'), 'examples\n');
      const git = (...args: string[]) =>
        spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          cwd: repository,
        });
      git('init', '-q');
      git('add', '.');
      git('commit', '-q', '-m', 'clone');
      return repository;
    }

    it('a volume with only lost+found and an unchanged clone: unpacked in place', async () => {
      const { marker: restored, volume } = await restoreOnto((volume) => clone(volume, 'sagemaker-examples'));
      expect(restored).toMatchObject({ Status: 'ok', Into: '.' });
      expect(readFileSync(join(volume, 'データ.csv'), 'utf8')).toBe('a,b\n1,2\n');
    });

    it('a user file on the replacement: unpacked into restored-<backup id>/, the file untouched', async () => {
      const { marker: restored, volume } = await restoreOnto((volume) =>
        writeFileSync(join(volume, 'データ.csv'), 'typed on the replacement'),
      );
      expect(restored).toMatchObject({ Status: 'ok', Into: `restored-${BACKUP_ID}` });
      expect(readFileSync(join(volume, 'データ.csv'), 'utf8')).toBe('typed on the replacement');
      expect(readFileSync(join(volume, `restored-${BACKUP_ID}`, 'データ.csv'), 'utf8')).toBe('a,b\n1,2\n');
    });

    it.each([
      ['a changed file', (repository: string) => writeFileSync(join(repository, 'README.md'), 'mine\n')],
      ['a new file', (repository: string) => writeFileSync(join(repository, 'notes.ipynb'), '{}')],
    ])('a clone with %s counts as a user’s: into restored-<backup id>/', async (_change, change) => {
      const { marker: restored } = await restoreOnto((volume) => change(clone(volume, 'sagemaker-examples')));
      expect(restored).toMatchObject({ Status: 'ok', Into: `restored-${BACKUP_ID}` });
    });

    it('a hidden file counts too', async () => {
      const { marker: restored } = await restoreOnto((volume) => writeFileSync(join(volume, '.env'), 'X=1'));
      expect(restored).toMatchObject({ Into: `restored-${BACKUP_ID}` });
    });
  });

  it('§2 every value matches its pattern: a crafted backup id or notebook name is refused, nothing rendered', () => {
    const crafted: Record<string, string>[] = [
      { BACKUP_ID: "x';touch pwned;'" },
      { BACKUP_ID: 'x__BACKUP_ID__;touch$IFS/tmp/pwned;#' },
      { NAME: 'nb$(id)' },
      { ROLE_ID: 'AROA:x' },
    ];
    for (const values of crafted) {
      expect(() => rendered('backup', backupValues(values))).toThrow(/ValueError: Refusing/);
    }
    expect(() => rendered('restore', { ...restoreValues('0'.repeat(64)), USER_ID: 'A:$(id)' })).toThrow(
      /ValueError: Refusing USER_ID/,
    );
    expect(() => rendered('restore-only', restoreValues('0'.repeat(64), 'yes; id'))).toThrow(
      /ValueError: Refusing FRESH_VOLUME/,
    );
  });

  it('§2 values are substituted in one pass: a value holding another placeholder stays literal', async () => {
    const box = sandbox();
    notebookVolume(box);
    const hook = rendered('backup', backupValues({ PREFIX: 'p/__BACKUP_ID__' }));
    expect(hook).toMatch(/^PREFIX=p\/__BACKUP_ID__$/m);
    expect(hook).toMatch(new RegExp(`^BACKUP_ID=${BACKUP_ID}$`, 'm'));
    runHook(box, hook);
    await waitFor(
      () => (existsSync(join(box.s3, 'bucket/p/__BACKUP_ID__/data')) ? true : undefined),
      'the literal prefix',
    );
  });
});
