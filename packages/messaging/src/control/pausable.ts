/**
 * A consumer an operator can pause and resume without stopping the process.
 *
 * `pause()` resolves once the consumer holds no work any more: the batch in hand is
 * finished (acked, nak'ed or committed) and nothing new will be taken until `resume()`.
 * Work that arrives meanwhile waits on the broker (JetStream `num_pending`, Kafka lag).
 */
export interface PausableConsumer {
  /** The name the broker knows it by: a JetStream durable, a Kafka group id. */
  readonly name: string;
  readonly isPaused: boolean;
  pause(): Promise<void>;
  resume(): void;
}
