/**
 * One long-lived Python (needs boto3 and botocore) running bridge.py: each script step's shipped Python runs in
 * it, and its boto3 calls and sleeps come back here to be answered by the fake AWS and its virtual clock.
 * A bridge that cannot start, exits or stops answering rejects (with Python's stderr) instead of waiting.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PYTHON_TIMEOUT_MS } from '../../support/python';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ScriptRun {
  readonly name: string;
  readonly script: string;
  readonly handler: string;
  readonly payload: JsonObject;
  readonly now: number;
  readonly timeoutAt: number;
}

export type CallReply =
  | { readonly ok: true; readonly body: JsonObject }
  | {
      readonly ok: false;
      readonly status: number;
      readonly error: { readonly Code: string; readonly Message: string };
    };

export interface ScriptHost {
  call(service: string, operation: string, params: JsonObject): CallReply;
  /** Advances the virtual clock; returns the new time. */
  sleep(seconds: number): number;
  now(): number;
}

export type ScriptOutcome =
  | { readonly ok: true; readonly result: JsonObject }
  | { readonly ok: false; readonly error: string };

type BridgeMessage =
  | { type: 'ready' }
  | { type: 'call'; service: string; operation: string; params: JsonObject }
  | { type: 'sleep'; seconds: number }
  | { type: 'done'; ok: true; result: JsonObject }
  | { type: 'done'; ok: false; error: string };

const BRIDGE = fileURLToPath(new URL('./bridge.py', import.meta.url));

export interface PythonBridgeOptions {
  readonly interpreter: string;
  /** The bridge program; tests of the bridge itself give a misbehaving one. */
  readonly script?: string;
  /** How long Python may stay silent before the bridge gives up on it. */
  readonly replyTimeoutMs?: number;
}

/** The Python process failed to start, exited, or stopped answering. */
export class PythonBridgeError extends Error {
  override readonly name = 'PythonBridgeError';
}

interface Waiter {
  readonly resolve: (message: BridgeMessage) => void;
  readonly reject: (error: PythonBridgeError) => void;
  readonly timer: NodeJS.Timeout;
}

export class PythonBridge {
  /** Resolves once bridge.py has imported boto3 and set up; rejects if it never gets there. */
  readonly ready: Promise<void>;
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly replyTimeoutMs: number;
  private readonly waiters: Waiter[] = [];
  private readonly buffered: BridgeMessage[] = [];
  private stderr = '';
  /** Set once the process is unusable; every later wait rejects with it at once. */
  private failure: PythonBridgeError | undefined;

  constructor({ interpreter, script = BRIDGE, replyTimeoutMs = PYTHON_TIMEOUT_MS }: PythonBridgeOptions) {
    this.replyTimeoutMs = replyTimeoutMs;
    this.process = spawn(interpreter, ['-u', script], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.process.on('error', (error) => this.fail(`${interpreter} did not start: ${error.message}`));
    // 'close', not 'exit': stdout's last lines and all of stderr have arrived by then.
    this.process.on('close', (code, signal) => this.fail(`python exited (${signal ?? `code ${code}`})`));
    // Writing to a process that has exited fails with EPIPE; the exit itself is what gets reported.
    this.process.stdin.on('error', () => {});
    this.lines = createInterface({ input: this.process.stdout });
    this.lines.on('line', (line) => this.receive(line));
    this.ready = this.nextMessage().then((message) => {
      if (message.type !== 'ready')
        throw new PythonBridgeError(`expected ready, got ${JSON.stringify(message)}`);
    });
    // Whoever awaits `ready` (or run()) sees its rejection; this keeps it from also counting as unhandled.
    this.ready.catch(() => {});
  }

  private fail(reason: string): void {
    if (this.failure) return;
    const stderr = this.stderr.trim();
    this.failure = new PythonBridgeError(stderr ? `${reason}; its stderr:\n${stderr}` : reason);
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
    }
    // A silent process would otherwise live on after its tests.
    this.process.kill();
  }

  private receive(line: string): void {
    let message: BridgeMessage;
    try {
      message = JSON.parse(line) as BridgeMessage;
    } catch {
      this.fail(`python wrote a line that is not a message: ${line}`);
      return;
    }
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.buffered.push(message);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }

  private nextMessage(): Promise<BridgeMessage> {
    const buffered = this.buffered.shift();
    if (buffered) return Promise.resolve(buffered);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(`python sent nothing for ${this.replyTimeoutMs} ms`),
        this.replyTimeoutMs,
      );
      this.waiters.push({ resolve, reject, timer });
    });
  }

  private send(message: JsonObject): void {
    this.process.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async run(run: ScriptRun, host: ScriptHost): Promise<ScriptOutcome> {
    await this.ready;
    this.send({ type: 'run', ...run });
    for (;;) {
      const message = await this.nextMessage();
      if (message.type === 'done') return message.ok ? { ok: true, result: message.result } : message;
      if (message.type === 'sleep') this.send({ now: host.sleep(message.seconds) });
      else if (message.type === 'call')
        this.send({ ...host.call(message.service, message.operation, message.params), now: host.now() });
      else throw new PythonBridgeError(`unexpected ${JSON.stringify(message)} during ${run.name}`);
    }
  }

  /** Ends the process: bridge.py exits when its input ends. */
  close(): void {
    this.process.stdin.end();
    this.lines.close();
  }
}
