import { Presets, SingleBar } from 'cli-progress';

export interface ProgressReporter {
  update(done: number): void;
  stop(): void;
}

/**
 * A real progress bar on a terminal; plain, timestamped log lines otherwise (CI logs,
 * `docker compose run`), where a redrawn bar would be noise.
 */
export function progressReporter(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format:
          'rebuilding orders |{bar}| {percentage}% | {value}/{total} events | {eta_formatted} left',
        stream,
      },
      Presets.shades_classic,
    );
    bar.start(Math.max(total, 1), 0);
    return {
      update: (done) => bar.update(Math.min(done, Math.max(total, 1))),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let lastPrinted = 0;
  const print = (done: number) => {
    const seconds = (Date.now() - started) / 1_000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const eta = rate > 0 ? Math.max(0, Math.round((total - done) / rate)) : '?';
    stream.write(`rebuild progress: ${done}/${total} events, ${rate} events/s, ETA ${eta} s\n`);
  };
  return {
    update(done) {
      if (Date.now() - lastPrinted >= 1_000) {
        lastPrinted = Date.now();
        print(done);
      }
    },
    stop: () => undefined,
  };
}
