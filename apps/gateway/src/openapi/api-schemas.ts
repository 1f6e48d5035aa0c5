import {
  ConsumerControlResultSchema,
  ConsumerSummarySchema,
  ControlledServiceSchema,
  FaultActionInfoSchema,
  FaultActionSchema,
  FaultOutcomeSchema,
  FaultsStateSchema,
  FieldErrorSchema,
  HealthCheckResultSchema,
  LiveFeedDroppedSchema,
  LiveFeedReadySchema,
  OrderJourneySchema,
  OrderNotificationSchema,
  PublicOrderNotificationSchema,
  OrderStatusSchema,
  OrderViewSchema,
  PlaceOrderReplySchema,
  PlaceOrderRequestSchema,
  ProblemDetailsSchema,
  ProjectionNameSchema,
  ProjectionStatusSchema,
  RebuildProgressSchema,
  RebuildProjectionReplySchema,
  RebuildRunSchema,
  RegionSchema,
  RunningFaultSchema,
  SystemOverviewSchema,
  SystemTopologySchema,
} from '@switchyard/contracts';
import { ZodComponents } from './zod-schemas';

/**
 * The contracts' schemas the HTTP API speaks, by the component name the OpenAPI
 * document gives them. Requests are described as clients send them (`input`), answers
 * as the gateway writes them (`output`).
 */
export const apiSchemas = new ZodComponents()
  // What clients send.
  .add(PlaceOrderRequestSchema, { id: 'PlaceOrderRequest', io: 'input' })
  // Names used on both sides: plain strings and enums read the same on each.
  .add(RegionSchema, { id: 'Region', io: 'output' })
  .add(OrderStatusSchema, { id: 'OrderStatus', io: 'output' })
  .add(ProjectionNameSchema, { id: 'ProjectionName', io: 'output' })
  .add(ControlledServiceSchema, { id: 'ControlledService', io: 'output' })
  .add(FaultActionSchema, { id: 'FaultAction', io: 'output' })
  // What the gateway answers.
  .add(PlaceOrderReplySchema, { id: 'PlaceOrderReply', io: 'output' })
  .add(OrderViewSchema, { id: 'OrderView', io: 'output' })
  .add(OrderJourneySchema, { id: 'OrderJourney', io: 'output' })
  .add(RebuildProjectionReplySchema, { id: 'RebuildProjectionReply', io: 'output' })
  .add(RebuildRunSchema, { id: 'RebuildRun', io: 'output' })
  .add(ProjectionStatusSchema, { id: 'ProjectionStatus', io: 'output' })
  .add(ConsumerSummarySchema, { id: 'ConsumerSummary', io: 'output' })
  .add(ConsumerControlResultSchema, { id: 'ConsumerControlResult', io: 'output' })
  .add(FaultActionInfoSchema, { id: 'FaultActionInfo', io: 'output' })
  .add(RunningFaultSchema, { id: 'RunningFault', io: 'output' })
  .add(FaultOutcomeSchema, { id: 'FaultOutcome', io: 'output' })
  .add(FaultsStateSchema, { id: 'FaultsState', io: 'output' })
  .add(SystemOverviewSchema, { id: 'SystemOverview', io: 'output' })
  .add(SystemTopologySchema, { id: 'SystemTopology', io: 'output' })
  .add(HealthCheckResultSchema, { id: 'HealthCheckResult', io: 'output' })
  .add(ProblemDetailsSchema, { id: 'ProblemDetails', io: 'output' })
  .add(FieldErrorSchema, { id: 'FieldError', io: 'output' })
  // The data of the live feed's Server-Sent Events (`GET /events`).
  .add(LiveFeedReadySchema, { id: 'LiveFeedReady', io: 'output' })
  .add(OrderNotificationSchema, { id: 'OrderNotification', io: 'output' })
  .add(PublicOrderNotificationSchema, { id: 'PublicOrderNotification', io: 'output' })
  .add(RebuildProgressSchema, { id: 'RebuildProgress', io: 'output' })
  .add(LiveFeedDroppedSchema, { id: 'LiveFeedDropped', io: 'output' });
