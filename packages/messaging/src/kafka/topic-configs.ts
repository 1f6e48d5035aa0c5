/**
 * ### Reconciling a topic's configs with its declaration: the pure part.
 *
 * kafkajs 2.2.4 only speaks the old AlterConfigs API, which does not patch: it REPLACES
 * every dynamic (topic-level) config of the topic with the set it is sent, and resets
 * anything left out to the broker default. So the set we send is the declared configs
 * plus every other topic-level config the topic already has (an operator's
 * `segment.bytes`, say), unchanged: a reconcile changes only what the declaration says.
 */

/** A config as the broker describes it (`DescribeConfigs`). */
export interface DescribedConfig {
  name: string;
  /** `null` for a sensitive config, whose value the broker does not reveal. */
  value: string | null;
  /** Set on the topic itself; otherwise inherited from a broker or cluster default. */
  topicLevel: boolean;
}

/** One declared config that was not as declared: `from` → `to`. */
export interface ConfigChange {
  name: string;
  from: string | null;
  /** `from` came from a broker default, not from the topic: now pinned on the topic. */
  inherited: boolean;
  to: string;
}

export interface ConfigPlan {
  /** What differs from the declaration (empty: nothing to do). */
  changes: ConfigChange[];
  /** The full set of topic-level configs to send, declared and kept. */
  desired: Record<string, string>;
}

/**
 * A declared config is right only when it is set *on the topic* with the declared value:
 * an inherited value that happens to match (the broker's `cleanup.policy=delete`) would
 * follow the next change of the broker default, so it is pinned as well.
 */
export function planTopicConfigs(
  topic: string,
  declared: Readonly<Record<string, string>>,
  described: readonly DescribedConfig[],
): ConfigPlan {
  const byName = new Map(described.map((config) => [config.name, config]));
  const changes: ConfigChange[] = [];
  for (const [name, to] of Object.entries(declared)) {
    const current = byName.get(name);
    if (current?.topicLevel && current.value === to) continue;
    changes.push({ name, from: current?.value ?? null, inherited: !current?.topicLevel, to });
  }
  const desired: Record<string, string> = {};
  for (const config of described) {
    if (!config.topicLevel || config.name in declared) continue;
    // Left out, AlterConfigs would reset it; sent back, it needs its value, which the
    // broker hides for a sensitive config. Refuse rather than erase an operator's setting.
    if (config.value === null)
      throw new Error(
        `topic ${topic}: cannot reconcile its configs without erasing the sensitive config ${config.name} (its value is hidden); set the declared configs by hand`,
      );
    desired[config.name] = config.value;
  }
  return { changes, desired: { ...desired, ...declared } };
}

/** `retention.ms: 3600000 → -1, cleanup.policy: delete (inherited) → delete` */
export function describeTopicChanges(changes: readonly ConfigChange[]): string {
  return changes
    .map(
      ({ name, from, inherited, to }) =>
        `${name}: ${from ?? '(unset)'}${inherited ? ' (inherited)' : ''} → ${to}`,
    )
    .join(', ');
}
