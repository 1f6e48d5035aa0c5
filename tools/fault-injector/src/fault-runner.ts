import type {
  FaultActionInfo,
  FaultOutcome,
  FaultsState,
  RunningFault,
} from '@switchyard/contracts';

/** What the faults do to the world: `effects.ts` for real, fakes in the unit tests. */
export interface FaultEffects {
  /** `kafka.sh down`: resolves once the broker process is gone. */
  stopKafka(): Promise<void>;
  /** `kafka.sh up`: resolves once the broker serves again. */
  startKafka(): Promise<void>;
  /** SIGKILL to the supervised bridge; resolves with its pid once it is gone. */
  killBridge(): Promise<number>;
  /** Resolves once a bridge other than `killedPid` runs (the supervisor restarted it). */
  bridgeRestarted(killedPid: number): Promise<void>;
  /** Waits `ms`; the unit tests resolve it themselves (no wall clock in a test). */
  sleep(ms: number): Promise<void>;
  now(): number;
}

/** `start()`'s answer: started, or refused because one runs already (409). */
export type StartResult =
  { started: true; running: RunningFault } | { started: false; running: RunningFault };

interface Run {
  action: FaultActionInfo;
  startedAt: number;
  /** When the fault is meant to end (Kafka restarted, the bridge respawned); unset while stopping. */
  endsAt?: number;
}

/**
 * ### One fault at a time, and its state for the page
 *
 * A second fault while one runs is refused, not queued: two overlapping faults make a
 * demo nobody can follow (and "stop Kafka" twice would race two `kafka.sh` runs on one
 * broker). The page polls `state()`: the phase and the seconds left are derived from the
 * clock at each read, so they count down without anyone ticking them.
 */
export class FaultRunner {
  private run?: Run;
  private last: FaultOutcome | null = null;
  /** The current fault's promise, for tests and for a clean stop. */
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly effects: FaultEffects) {}

  start(action: FaultActionInfo): StartResult {
    if (this.run) return { started: false, running: this.view(this.run) };
    const run: Run = { action, startedAt: this.effects.now() };
    this.run = run;
    this.done = this.execute(run);
    return { started: true, running: this.view(run) };
  }

  state(): Pick<FaultsState, 'running' | 'last'> {
    return { running: this.run ? this.view(this.run) : null, last: this.last };
  }

  /** Resolves when the fault under way (if any) has ended, recovered or failed. */
  settled(): Promise<void> {
    return this.done;
  }

  private async execute(run: Run): Promise<void> {
    const ms = run.action.seconds * 1000;
    try {
      switch (run.action.id) {
        case 'stop-kafka':
          await this.effects.stopKafka();
          run.endsAt = this.effects.now() + ms;
          await this.effects.sleep(ms);
          await this.effects.startKafka();
          break;
        case 'kill-bridge': {
          const killed = await this.effects.killBridge();
          run.endsAt = this.effects.now() + ms;
          await this.effects.bridgeRestarted(killed);
          break;
        }
        default:
          assertUnreachable(run.action.id);
      }
      this.finish(run, { outcome: 'recovered' });
    } catch (error) {
      this.finish(run, { outcome: 'failed', error: (error as Error).message });
    }
  }

  private finish(run: Run, outcome: Pick<FaultOutcome, 'outcome' | 'error'>): void {
    this.last = {
      action: run.action.id,
      ...outcome,
      endedAt: new Date(this.effects.now()).toISOString(),
    };
    this.run = undefined;
  }

  private view(run: Run): RunningFault {
    const remainingMs =
      run.endsAt === undefined ? run.action.seconds * 1000 : run.endsAt - this.effects.now();
    return {
      action: run.action.id,
      label: run.action.label,
      // Past its end the fault is being undone (kafka.sh up, the supervisor's restart).
      phase: run.endsAt === undefined ? 'stopping' : remainingMs > 0 ? 'down' : 'restarting',
      startedAt: new Date(run.startedAt).toISOString(),
      remainingSeconds: Math.max(0, Math.ceil(remainingMs / 1000)),
    };
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unknown fault: ${String(value)}`);
}
