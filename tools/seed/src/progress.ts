import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(written: number): void;
  stop(): void;
}

/**
 * A bar on a terminal; in CI logs and pipes (no TTY) a plain line per 10 %, because a
 * redrawn bar there turns into thousands of lines of escape codes. Both go to stderr:
 * stdout carries only the final JSON result, so it can be piped into `jq`.
 */
export function progressFor(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: 'seeding [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left',
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    let active = true;
    return {
      update: (written) => bar.update(written),
      stop() {
        if (active) bar.stop();
        active = false;
      },
    };
  }
  let nextTenth = 1;
  return {
    update(written) {
      while (nextTenth <= 10 && written >= (total * nextTenth) / 10) {
        stream.write(`seeding: ${written}/${total} events (${nextTenth * 10}%)\n`);
        nextTenth += 1;
      }
    },
    stop() {},
  };
}
