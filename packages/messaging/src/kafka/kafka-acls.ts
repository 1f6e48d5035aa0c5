import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type AclEntry,
  type Kafka,
} from 'kafkajs';

/**
 * ### One ALLOW rule of the broker's authorizer, in our words (kafkajs stays in here)
 *
 * Kafka's StandardAuthorizer denies everything no rule allows. A rule allows one principal
 * one operation on one resource: a topic, a consumer group or the cluster, named exactly
 * (`literal`) or by a prefix (`prefixed`: every rebuild run's fresh group). Some operations
 * imply others: `read`, `write` and `delete` imply `describe`, and since Kafka 3.0 `write`
 * on any topic implies the cluster's `IDEMPOTENT_WRITE` that an idempotent producer needs.
 */
export interface KafkaAclRule {
  /** The SASL user name; the broker's principal is `User:<principal>`. */
  principal: string;
  resource: 'topic' | 'group' | 'cluster';
  /** The topic or group name, or its prefix; `kafka-cluster` for the cluster. */
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: 'read' | 'write' | 'describe' | 'describe-configs' | 'delete';
}

/** What `syncAcls` changed; a second run right after changes nothing. */
export interface AclSyncResult {
  created: KafkaAclRule[];
  deleted: KafkaAclRule[];
}

const RESOURCES = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
} as const;
const PATTERNS = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
} as const;
const OPERATIONS = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
  'describe-configs': AclOperationTypes.DESCRIBE_CONFIGS,
  delete: AclOperationTypes.DELETE,
} as const;

function toEntry(rule: KafkaAclRule): AclEntry {
  return {
    principal: `User:${rule.principal}`,
    host: '*',
    resourceType: RESOURCES[rule.resource],
    resourceName: rule.name,
    resourcePatternType: PATTERNS[rule.pattern],
    operation: OPERATIONS[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const keyOf = (entry: AclEntry) =>
  [
    entry.principal,
    entry.host,
    entry.resourceType,
    entry.resourceName,
    entry.resourcePatternType,
    entry.operation,
    entry.permissionType,
  ].join('|');

/**
 * Makes the broker's rules for `principals` on the resources `rules` name exactly `rules`:
 * missing ones are created, and any other rule of these principals on one of these
 * resources (an old permission, one added by hand) is deleted, so what the broker allows
 * there cannot drift from what the code declares. Rules on other resources are left alone:
 * several namespaces may share a cluster and its principals, and setting up one must not
 * take the other's rights away (a rule on a topic no namespace declares any more stays:
 * remove it by hand). Needs a super user (or ALTER on the cluster).
 */
export async function syncAcls(
  kafka: Kafka,
  principals: readonly string[],
  rules: readonly KafkaAclRule[],
): Promise<AclSyncResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = new Map(rules.map((rule) => [keyOf(toEntry(rule)), rule]));
    const scope = new Set(rules.map((rule) => resourceOf(toEntry(rule))));
    const existing = await describeFor(admin, principals);
    const toCreate = [...wanted].filter(([key]) => !existing.has(key)).map(([, rule]) => rule);
    const toDelete = [...existing]
      .filter(([key, entry]) => !wanted.has(key) && scope.has(resourceOf(entry)))
      .map(([, entry]) => entry);
    if (toCreate.length > 0) await admin.createAcls({ acl: toCreate.map(toEntry) });
    if (toDelete.length > 0)
      await admin.deleteAcls({ filters: toDelete.map((entry) => ({ ...entry })) });
    return { created: toCreate, deleted: toDelete.map(fromEntry) };
  } finally {
    await admin.disconnect();
  }
}

const resourceOf = (entry: AclEntry) =>
  [entry.resourceType, entry.resourceName, entry.resourcePatternType].join('|');

async function describeFor(
  admin: Admin,
  principals: readonly string[],
): Promise<Map<string, AclEntry>> {
  const found = new Map<string, AclEntry>();
  for (const principal of principals) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: `User:${principal}`,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    for (const resource of resources)
      for (const acl of resource.acls) {
        const entry: AclEntry = {
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
          ...acl,
        };
        found.set(keyOf(entry), entry);
      }
  }
  return found;
}

/** A rule read back from the broker, in our words (the number where we have none). */
function fromEntry(entry: AclEntry): KafkaAclRule {
  const word = (map: Record<string, number>, value: number): string =>
    Object.keys(map).find((key) => map[key] === value) ?? String(value);
  return {
    principal: entry.principal.replace(/^User:/, ''),
    resource: word(RESOURCES, entry.resourceType) as KafkaAclRule['resource'],
    name: entry.resourceName,
    pattern: word(PATTERNS, entry.resourcePatternType) as KafkaAclRule['pattern'],
    operation: word(OPERATIONS, entry.operation) as KafkaAclRule['operation'],
  };
}
