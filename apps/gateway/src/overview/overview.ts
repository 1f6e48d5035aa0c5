/**
 * `GET /api/overview`'s shape is a contract (`SystemOverviewSchema` in
 * `@switchyard/contracts`): the OpenAPI document is generated from it, and the types the
 * probes fill in are inferred from it, so the two cannot drift apart.
 */
export type { ConsumerPanelRow, KafkaGroupPanelRow, SystemOverview } from '@switchyard/contracts';

/**
 * One panel's figures, or why they are missing. Each panel is probed on its own: Kafka
 * being down empties the Kafka panels and leaves the NATS ones alone (`panelSchema`).
 */
export type Panel<T> = { ok: true; value: T } | { ok: false; error: string };
