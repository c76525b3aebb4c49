/**
 * The runbook's happy path in the flow simulation (the shipped document, its real Python steps, a fake AWS
 * on a virtual clock with SageMaker's timings): AWS calls per API and the simulated time, by phase.
 */
import type { CallRecord, FakeAws } from '../remediation/simulation/fake-aws';
import { TIMINGS } from '../remediation/simulation/fake-sagemaker';
import type { ScriptHost, ScriptOutcome, ScriptRun } from '../remediation/simulation/python-bridge';
import { addNotebook, newAccount, PythonBridge, remediate } from '../remediation/simulation/world';
import { duration, heading, table } from './format';

/** Where a phase starts: when a script step starts, or at a call (by operation). */
type PhaseStart = { readonly script: string } | { readonly call: string };

export interface PhaseDefinition {
  readonly name: string;
  readonly what: string;
  readonly startsAt: PhaseStart;
}

/** The happy path's phases, in order; the first starts with the execution. */
export const PHASES: readonly PhaseDefinition[] = [
  {
    name: 'check',
    what: 'check document: resolve the notebook, the rule on the target, permission pre-check',
    startsAt: { script: 'ResolveNotebook' },
  },
  {
    name: 'backup',
    what: 'temporary lifecycle config (the hook the check rendered), stop, start, archive to S3, verify, stop, own config back',
    startsAt: { call: 'CreateNotebookInstanceLifecycleConfig' },
  },
  {
    name: 'delete',
    what: 'archive re-checked, manifest, delete, wait until gone, restore hook installed',
    startsAt: { script: 'PrepareManifest' },
  },
  {
    name: 'recreate',
    what: 'create in the subnet, wait until InService',
    startsAt: { call: 'CreateNotebookInstance' },
  },
  {
    name: 'restore',
    what: 'verify the restore, stop, own config back, finish, tag the run completed',
    startsAt: { script: 'VerifyRestore' },
  },
];

export interface PhaseFigures {
  readonly name: string;
  readonly what: string;
  readonly simulatedSeconds: number;
  readonly calls: number;
  readonly callsByApi: Readonly<Record<string, number>>;
}

export interface RunbookFigures {
  readonly status: string;
  readonly stepsExecuted: number;
  readonly simulatedSeconds: number;
  readonly calls: number;
  readonly callsByApi: Readonly<Record<string, number>>;
  readonly phases: readonly PhaseFigures[];
}

interface Mark {
  readonly at: number;
  readonly callIndex: number;
}

/** The simulation's Python bridge, noting the virtual time and call count when each script step starts. */
class MarkingPythonBridge extends PythonBridge {
  readonly scriptStarts = new Map<string, Mark>();

  constructor(
    private readonly aws: FakeAws,
    interpreter: string,
  ) {
    super({ interpreter });
  }

  override run(run: ScriptRun, host: ScriptHost): Promise<ScriptOutcome> {
    if (!this.scriptStarts.has(run.name))
      this.scriptStarts.set(run.name, { at: run.now, callIndex: this.aws.calls.length });
    return super.run(run, host);
  }
}

/** `interpreter`: a Python with boto3 and botocore, for the script steps. */
export async function measureRunbookHappyPath(interpreter: string): Promise<RunbookFigures> {
  const aws = newAccount();
  addNotebook(aws);
  const python = new MarkingPythonBridge(aws, interpreter);
  const started: Mark = { at: aws.clock.now, callIndex: 0 };
  try {
    const execution = await remediate(aws, python);
    if (execution.status !== 'Success')
      throw new Error(`the happy path did not succeed: ${execution.failure}`);
    const ended: Mark = { at: aws.clock.now, callIndex: aws.calls.length };
    const marks = PHASES.map((phase, index) =>
      index === 0 ? started : markOf(phase.startsAt, python.scriptStarts, aws.calls),
    );
    const phases = PHASES.map((phase, index) => {
      const from = marks[index] as Mark;
      const to = marks[index + 1] ?? ended;
      if (to.at < from.at || to.callIndex < from.callIndex)
        throw new Error(`phase ${phase.name} ends before it starts`);
      const calls = aws.calls.slice(from.callIndex, to.callIndex);
      return {
        name: phase.name,
        what: phase.what,
        simulatedSeconds: to.at - from.at,
        calls: calls.length,
        callsByApi: byApi(calls),
      };
    });
    return {
      status: execution.status,
      stepsExecuted: execution.steps.length,
      simulatedSeconds: ended.at - started.at,
      calls: aws.calls.length,
      callsByApi: byApi(aws.calls),
      phases,
    };
  } finally {
    python.close();
  }
}

function markOf(
  start: PhaseStart,
  scriptStarts: ReadonlyMap<string, Mark>,
  calls: readonly CallRecord[],
): Mark {
  if ('script' in start) {
    const mark = scriptStarts.get(start.script);
    if (!mark) throw new Error(`script step ${start.script} did not run: the phase table needs updating`);
    return mark;
  }
  const callIndex = calls.findIndex((call) => call.operation === start.call);
  if (callIndex < 0) throw new Error(`no ${start.call} call: the phase table needs updating`);
  return { at: (calls[callIndex] as CallRecord).at, callIndex };
}

function byApi(calls: readonly CallRecord[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { service, operation } of calls) {
    const api = `${service}:${operation}`;
    result[api] = (result[api] ?? 0) + 1;
  }
  return result;
}

export function reportRunbook(figures: RunbookFigures): string {
  const apis = Object.entries(figures.callsByApi)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([api]) => api);
  const callsOf = (byApi: Readonly<Record<string, number>>, api: string) => String(byApi[api] ?? 0);
  return [
    heading('Runbook happy path (flow simulation, virtual clock)'),
    `A running notebook with data, its own lifecycle config and tags, moved into a subnet: ${figures.status} after ${figures.stepsExecuted} steps.`,
    `SageMaker timings in the simulation (s): ${Object.entries(TIMINGS)
      .map(([what, seconds]) => `${what} ${seconds}`)
      .join(', ')}; waits poll every 20 s.`,
    `Simulated wall time: ${duration(figures.simulatedSeconds)} (${figures.simulatedSeconds} s); AWS calls: ${figures.calls}.`,
    '',
    table(
      ['phase', 'simulated time', 'seconds', 'calls', 'what happens'],
      figures.phases.map((phase) => [
        phase.name,
        duration(phase.simulatedSeconds),
        String(phase.simulatedSeconds),
        String(phase.calls),
        phase.what,
      ]),
    ),
    '',
    'Calls per API and phase:',
    table(
      ['API', ...figures.phases.map((phase) => phase.name), 'total'],
      apis.map((api) => [
        api,
        ...figures.phases.map((phase) => callsOf(phase.callsByApi, api)),
        callsOf(figures.callsByApi, api),
      ]),
    ),
  ].join('\n');
}
