/**
 * What other tools reuse from the bench (`npm run trial` does): the precise sender, the
 * latency histogram, the raw clients and the `/proc` readings. `main.ts` is the CLI.
 */
export * from './load/schedule';
export * from './load/precise-open-loop';
export * from './stats/latency';
export * from './report/article-ladder';
export * from './report/cpu';
export * from './report/proc';
export * from './payload';
export * from './raw/raw-nats';
export {
  consumeIndexes as consumeJetStreamIndexes,
  createBenchStream,
  deleteBenchStream,
  publishWithAck,
} from './raw/raw-jetstream';
export {
  consumeIndexes as consumeKafkaIndexes,
  createTopic,
  deleteTopics,
  plainProducer,
  rawKafka,
  sendOne,
} from './raw/raw-kafka';
