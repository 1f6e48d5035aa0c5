import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { topology } from '@switchyard/contracts';

export const config = loadConfig(CommonEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);
