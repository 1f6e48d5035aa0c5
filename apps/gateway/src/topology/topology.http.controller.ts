import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SystemTopologySchema, type SystemTopology } from '@switchyard/contracts';
import { CATALOG, TOPOLOGY } from '../config';
import { systemGraph } from './system-graph';

/** `GET /api/topology`: the dashboard's drawing of the system, named from the contracts. */
@ApiTags('dashboard')
@Controller('api/topology')
export class TopologyHttpController {
  /** Built once: the names and the catalog are fixed for the life of the process. */
  private readonly graph = systemGraph(TOPOLOGY, CATALOG);

  @Get()
  @ApiOperation({
    operationId: 'systemTopology',
    summary: 'The system as the dashboard draws it',
    description:
      'Apps, streams, the Kafka topic, core NATS and Postgres, and the edges between them: ' +
      'each named as on the wire, with its delivery semantics and the `GET /api/overview` ' +
      'figure that measures it. Names only: no credentials, no addresses.',
  })
  @ApiResponse({ status: 200, description: 'The drawing.', standardSchema: SystemTopologySchema })
  get(): SystemTopology {
    return this.graph;
  }
}
