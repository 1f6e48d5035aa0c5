/**
 * Says what happens, in plain words, with the time since the scenario started. The CLI
 * prints to the terminal; the e2e test passes a silent one and checks the outcome.
 */
export interface Narrator {
  /** A step the scenario takes ("Pausing payments"). */
  step(text: string): void;
  /** What the system did, with numbers. */
  saw(text: string): void;
  /** The lesson, at the end. */
  conclude(text: string): void;
}

export function terminalNarrator(write: (line: string) => void = console.log): Narrator {
  const started = Date.now();
  const at = () => `${((Date.now() - started) / 1_000).toFixed(1).padStart(5)}s`;
  return {
    step: (text) => write(`${at()}  ▶ ${text}`),
    saw: (text) => write(`${at()}    ${text}`),
    conclude: (text) => write(`\n${text}\n`),
  };
}

export const silentNarrator: Narrator = { step() {}, saw() {}, conclude() {} };
