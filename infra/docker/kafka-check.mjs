// Kafka checks from the host for the compose smoke test (smoke.sh), through the published
// EXTERNAL listener: the address the broker advertises must work from outside the network.
// kcat cannot do it: Debian's kcat (librdkafka 2.0.2) fails the SCRAM login to Kafka 4 even
// with the right password, so this uses kafkajs, the project's own client.
//
//   node infra/docker/kafka-check.mjs records BROKER TOPIC KEY   as KAFKA_SASL_USERNAME /
//        KAFKA_SASL_PASSWORD: every record keyed KEY, one line each: key, headers, event type
//   node infra/docker/kafka-check.mjs anonymous BROKER           exits 0 only if a client
//        without credentials is refused (it must not even list the topics)
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [command, broker, topic, key] = process.argv.slice(2);

function client(sasl) {
  return new Kafka({
    clientId: 'switchyard-smoke',
    brokers: [broker],
    sasl,
    logLevel: logLevel.NOTHING,
    // One attempt: a refusal must show as a refusal, not as minutes of retries.
    retry: { retries: sasl ? 5 : 0 },
    connectionTimeout: 5000,
  });
}

async function records() {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = process.env;
  if (!username || !password) throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  const kafka = client({ mechanism: 'scram-sha-512', username, password });
  const admin = kafka.admin();
  await admin.connect();
  // Read up to the end as it is now, then stop: the high watermark of each partition.
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]),
  );
  const groupId = `switchyard-smoke-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  const lines = [];
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise((resolve, reject) => {
      if (pending.size === 0) resolve();
      const deadline = setTimeout(
        () => reject(new Error(`not at the end of ${topic} in 60 s`)),
        60_000,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (message.key?.toString() === key) {
              const headers = Object.entries(message.headers ?? {})
                .map(([name, value]) => `${name}=${value?.toString() ?? ''}`)
                .join(',');
              const type = JSON.parse(message.value?.toString() ?? '{}').type ?? '';
              lines.push(`${key}\t${headers}\t${type}`);
            }
            if (BigInt(message.offset) + 1n >= ends.get(partition)) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(deadline);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  process.stdout.write(lines.map((line) => `${line}\n`).join(''));
}

async function anonymous() {
  const admin = client(undefined).admin();
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    console.error(`anonymous client ALLOWED on ${broker}: it listed ${topics.length} topics`);
    return 1;
  } catch (error) {
    // A SASL listener closes the connection of a client that sends requests without logging in.
    console.log(`anonymous client refused on ${broker}: ${error.name}: ${error.message}`);
    return 0;
  } finally {
    await admin.disconnect();
  }
}

if (command === 'records' && broker && topic && key) await records();
else if (command === 'anonymous' && broker) process.exitCode = await anonymous();
else {
  console.error('usage: kafka-check.mjs records BROKER TOPIC KEY | anonymous BROKER');
  process.exitCode = 2;
}
