import { topology } from '@switchyard/contracts';
import { createKafka } from '@switchyard/messaging';
import {
  SaslKafka,
  TestCertificates,
  uniqueNamespace,
  type KafkaClientTlsEnv,
} from '@switchyard/testkit';
import { outcomeOf } from './permission-probes';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * ### Kafka over TLS (SASL_SSL, mutual TLS), on a real broker.
 *
 * One broker for the file (a JVM start is slow): `infra/local/kafka.sh` with SCRAM and its
 * optional `KAFKA_TLS` mode, PEM key and trust stores made by a throw-away CA, client
 * certificates required. Our `createKafka` with the `KAFKA_SSL_*` variables (read by the
 * same `kafkaSecurity` a service uses) produces and consumes; the same principal without
 * the CA, or without its certificate, does not even get to log in.
 */
describe('Kafka over SASL_SSL with client certificates', () => {
  const namespace = uniqueNamespace('ktls');
  const topic = topology(namespace).kafka.topics.orderEvents.name;
  let certificates: TestCertificates;
  let broker: SaslKafka;
  let trusted: KafkaClientTlsEnv;
  const opened: { disconnect(): Promise<void> }[] = [];

  /** A kafkajs client of the `admin` principal with `tls` as its `KAFKA_SSL*` variables. */
  const clientWith = (tls: KafkaClientTlsEnv) =>
    createKafka({
      clientId: `tls-test-${namespace}`,
      brokers: broker.brokers,
      logger: quiet,
      security: broker.security('admin', undefined, tls),
    });

  /** Connects an admin client with no retries: the TLS handshake's verdict, first time. */
  const connectWith = async (tls: KafkaClientTlsEnv) => {
    const admin = clientWith(tls).admin({ retry: { retries: 0 } });
    opened.push(admin);
    await admin.connect();
    return admin;
  };

  beforeAll(async () => {
    certificates = TestCertificates.create(namespace);
    const client = certificates.client('admin');
    trusted = {
      KAFKA_SSL_CA: certificates.ca,
      KAFKA_SSL_CERT: client.cert,
      KAFKA_SSL_KEY: client.key,
    };
    broker = await SaslKafka.up({
      tls: {
        keystore: certificates.keystore(certificates.server()),
        truststore: certificates.ca,
        clientAuth: 'required',
      },
    });
    // A JVM start, storage format included, on a shared 2-core machine took 95 s once; the
    // script bounds the wait itself (KAFKA_START_TIMEOUT) and says why it gave up.
  }, 240_000);

  afterAll(async () => {
    await Promise.all(opened.map((client) => client.disconnect()));
    await broker?.remove();
    certificates?.remove();
  });

  it('with the CA and a certificate, a record is produced and consumed', async () => {
    const admin = await connectWith(trusted);
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const kafka = clientWith(trusted);
    const producer = kafka.producer();
    opened.push(producer);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: namespace, value: 'over tls' }] });

    const consumer = kafka.consumer({ groupId: `${namespace}.reader` });
    opened.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
    });
    expect(value).toBe('over tls');
  });

  it('without the CA, the client refuses the broker', async () => {
    const withoutCa = { ...trusted, KAFKA_SSL_CA: undefined };
    const refused = await outcomeOf(() => connectWith(withoutCa));
    // Node checks the chain against its public CA list, which our CA is not in.
    expect(refused).toMatch(/self[- ]signed certificate|unable to (get|verify)/i);
  });

  it('without a client certificate, the broker refuses the client', async () => {
    const refused = await outcomeOf(() => connectWith({ KAFKA_SSL_CA: certificates.ca }));
    expect(refused).not.toBe('allowed');
    // The broker ends the handshake; kafkajs sees the connection close, the log says why.
    expect(broker.log()).toMatch(/SSL handshake failed|Failed authentication.*SSL/i);
  });
});
