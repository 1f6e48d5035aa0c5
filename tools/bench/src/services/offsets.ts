import { createKafka, KafkaAdmin } from '@switchyard/messaging';
import { benchEnv } from '../env';

const quiet = { log() {}, warn() {}, error() {} };

/** Our Kafka admin (packages/messaging), for the measurements that watch our services. */
export async function openAdmin(clientId: string): Promise<KafkaAdmin> {
  const admin = new KafkaAdmin(
    createKafka({ clientId, brokers: benchEnv.KAFKA_BROKERS, logger: quiet }),
  );
  await admin.connect();
  return admin;
}

export async function totalEndOffset(admin: KafkaAdmin, topic: string): Promise<number> {
  try {
    const offsets = await admin.endOffsets(topic);
    return [...offsets.values()].reduce((sum, offset) => sum + Number(offset), 0);
  } catch {
    return 0; // the topic does not exist yet
  }
}
