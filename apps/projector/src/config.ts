import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
} from '@switchyard/config';
import { topology } from '@switchyard/contracts';

export const config = loadConfig(CommonEnvSchema.extend(KafkaTopicsEnvSchema.shape));
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });
