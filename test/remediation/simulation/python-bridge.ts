/**
 * One long-lived /usr/bin/python3 running bridge.py: each script step's shipped Python runs in it, and its
 * boto3 calls and sleeps come back here to be answered by the fake AWS and its virtual clock.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
  | { type: 'call'; service: string; operation: string; params: JsonObject }
  | { type: 'sleep'; seconds: number }
  | { type: 'done'; ok: true; result: JsonObject }
  | { type: 'done'; ok: false; error: string };

const BRIDGE = fileURLToPath(new URL('./bridge.py', import.meta.url));

export class PythonBridge {
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private readonly buffered: string[] = [];
  private stderr = '';

  constructor() {
    this.process = spawn('/usr/bin/python3', ['-u', BRIDGE], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.lines = createInterface({ input: this.process.stdout });
    this.lines.on('line', (line) => {
      const waiter = this.pending.shift();
      if (waiter) waiter(line);
      else this.buffered.push(line);
    });
  }

  private nextMessage(): Promise<BridgeMessage> {
    const buffered = this.buffered.shift();
    if (buffered !== undefined) return Promise.resolve(JSON.parse(buffered) as BridgeMessage);
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`python bridge exited: ${this.stderr}`));
      this.process.once('exit', onExit);
      this.pending.push((line) => {
        this.process.off('exit', onExit);
        resolve(JSON.parse(line) as BridgeMessage);
      });
    });
  }

  private send(message: JsonObject): void {
    this.process.stdin.write(`${JSON.stringify(message)}\n`);
  }

  async run(run: ScriptRun, host: ScriptHost): Promise<ScriptOutcome> {
    this.send({ type: 'run', ...run });
    for (;;) {
      const message = await this.nextMessage();
      if (message.type === 'done') return message.ok ? { ok: true, result: message.result } : message;
      if (message.type === 'sleep') this.send({ now: host.sleep(message.seconds) });
      else this.send({ ...host.call(message.service, message.operation, message.params), now: host.now() });
    }
  }

  close(): void {
    this.process.stdin.end();
    this.lines.close();
  }
}
