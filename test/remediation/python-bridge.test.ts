/**
 * The flow simulation's Python bridge never leaves a suite waiting: a Python that cannot start, exits or
 * falls silent makes the bridge reject, with what Python wrote to stderr. Stand-in bridge programs play the
 * misbehaving Python; they need an interpreter but not boto3.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonFor, withPython3 } from '../support/needs-python';
import { PythonBridge, PythonBridgeError, type ScriptHost, type ScriptRun } from './simulation/python-bridge';

const RUN: ScriptRun = { name: 'Step', script: '', handler: 'handler', payload: {}, now: 0, timeoutAt: 600 };
const HOST: ScriptHost = {
  call: () => ({ ok: true, body: {} }),
  sleep: () => 0,
  now: () => 0,
};
const READY = 'print(\'{"type": "ready"}\')';

const programs = mkdtempSync(join(tmpdir(), 'vpc-guard-bridge-'));
afterAll(() => rmSync(programs, { recursive: true, force: true }));

let written = 0;

/** A bridge running `source` (lines of Python) in place of bridge.py. */
function bridgeRunning(source: string[], replyTimeoutMs?: number): PythonBridge {
  written += 1;
  const script = join(programs, `bridge-${written}.py`);
  writeFileSync(script, `import sys, time\n${source.join('\n')}\n`);
  return new PythonBridge({ interpreter: pythonFor('python3'), script, replyTimeoutMs });
}

describe('a bridge whose Python cannot start', () => {
  it('rejects with the spawn error', async () => {
    const bridge = new PythonBridge({ interpreter: '/nonexistent/python3' });
    await expect(bridge.ready).rejects.toThrow(/\/nonexistent\/python3 did not start: .*ENOENT/);
    await expect(bridge.run(RUN, HOST)).rejects.toBeInstanceOf(PythonBridgeError);
  });
});

withPython3.describe('a bridge whose Python misbehaves', () => {
  it('rejects with its stderr when it exits at once, and so does every run after', async () => {
    const bridge = bridgeRunning(['sys.stderr.write("ModuleNotFoundError: boto3\\n")', 'sys.exit(3)']);
    await expect(bridge.ready).rejects.toThrow(
      /python exited \(code 3\); its stderr:\nModuleNotFoundError: boto3/,
    );
    await expect(bridge.run(RUN, HOST)).rejects.toThrow(/code 3/);
    bridge.close();
  });

  it('rejects a run when it exits after saying it is ready', async () => {
    const bridge = bridgeRunning([
      READY,
      'sys.stdin.readline()',
      'sys.stderr.write("crashed\\n")',
      'sys.exit(1)',
    ]);
    await bridge.ready;
    await expect(bridge.run(RUN, HOST)).rejects.toThrow(/python exited \(code 1\); its stderr:\ncrashed/);
    bridge.close();
  });

  it('rejects a run when it stays silent past the reply timeout', async () => {
    const bridge = bridgeRunning(['sys.stderr.write("stuck\\n")', READY, 'time.sleep(60)'], 200);
    await bridge.ready;
    await expect(bridge.run(RUN, HOST)).rejects.toThrow(/python sent nothing for 200 ms; its stderr:\nstuck/);
    await expect(bridge.run(RUN, HOST)).rejects.toThrow(/sent nothing/);
    bridge.close();
  });

  it('rejects when it never says it is ready', async () => {
    const bridge = bridgeRunning(['time.sleep(60)'], 200);
    await expect(bridge.ready).rejects.toThrow(/python sent nothing for 200 ms/);
    bridge.close();
  });

  it('rejects when it writes something other than a message', async () => {
    const bridge = bridgeRunning(['print("hello")', 'time.sleep(60)']);
    await expect(bridge.ready).rejects.toThrow(/python wrote a line that is not a message: hello/);
    bridge.close();
  });

  it('runs a script between the ready message and the done message', async () => {
    const bridge = bridgeRunning([
      READY,
      'import json',
      'request = json.loads(sys.stdin.readline())',
      'print(json.dumps({"type": "done", "ok": True, "result": {"ran": request["name"]}}))',
      'sys.stdin.readline()',
    ]);
    await expect(bridge.run(RUN, HOST)).resolves.toEqual({ ok: true, result: { ran: 'Step' } });
    bridge.close();
  });
});
