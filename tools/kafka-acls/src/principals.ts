import { kafkaAclsByPrincipal, type Topology } from '@switchyard/contracts';
import type { KafkaAclRule } from '@switchyard/messaging';

/** The principals and their rights are declared in contracts (`kafkaAclsByPrincipal`). */
export { KAFKA_PRINCIPALS, type KafkaPrincipal } from '@switchyard/contracts';

/** Every rule, for `syncAcls`. */
export function kafkaAclRules(t: Topology): KafkaAclRule[] {
  return Object.entries(kafkaAclsByPrincipal(t)).flatMap(([principal, rules]) =>
    rules.map((rule) => ({ principal, ...rule })),
  );
}
