import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { topology } from '@switchyard/contracts';

export const config = loadConfig(CommonEnvSchema);

/**
 * Resolved once at start-up: `@MessagePattern` decorators need their subjects when the
 * controller class is defined.
 */
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);
