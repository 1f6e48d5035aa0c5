import { Controller, Get, HttpCode, HttpException, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  FAULT_ACTIONS,
  FaultActionSchema,
  FaultsStateSchema,
  RunningFaultSchema,
  type FaultAction,
  type FaultsState,
  type RunningFault,
} from '@switchyard/contracts';
import { FaultInjectorClient } from '../faults/fault-injector.client';
import { ApiNoBodyProblems, ApiProblem } from '../openapi/api-docs';
import { AdminOnly } from '../security/admin-auth.guard';
import { KnownNamePipe } from './known-name.pipe';

/** `:action`: one of the contracts' faults; anything else is a 404 before any forwarding. */
// eslint-disable-next-line no-useless-assignment -- read by `start`'s parameter decorator; the rule misses a single use there
const actionParam = {
  schema: FaultActionSchema,
  pipes: [new KnownNamePipe<FaultAction>('fault', FAULT_ACTIONS)],
};

/**
 * ### Faults from the dashboard (ADR 0047)
 *
 * The "Break things" buttons. The gateway does not break anything itself: it forwards to
 * the no-Docker demo's fault injector (`FAULT_INJECTOR_URL`), and without one the faults
 * are `available: false` (and a `POST` is a 404). Admin token, like every `/admin` route.
 */
@ApiTags('admin')
@AdminOnly()
@Controller('admin/faults')
export class FaultsHttpController {
  constructor(private readonly injector: FaultInjectorClient) {}

  @Get()
  @ApiOperation({
    operationId: 'listFaults',
    summary: 'The faults this deployment offers, and the one under way',
    description:
      '`available: false` with a `reason` unless the no-Docker demo runs its fault injector.',
  })
  @ApiResponse({
    status: 200,
    description: 'The faults and their state.',
    standardSchema: FaultsStateSchema,
  })
  list(): Promise<FaultsState> {
    return this.injector.state();
  }

  /** 202: the fault has started; `GET /admin/faults` follows it to its end. */
  @Post(':action')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'startFault',
    summary: 'Start one fault from the fixed list (one at a time)',
    description:
      '`stop-kafka`: kafka.sh down, the labelled number of seconds, kafka.sh up. ' +
      '`kill-bridge`: SIGKILL to the bridge; the demo supervisor restarts it.',
  })
  @ApiResponse({ status: 202, description: 'Started.', standardSchema: RunningFaultSchema })
  @ApiProblem(
    404,
    '`Unknown fault`, or not offered here, or `Faults unavailable`: no fault injector (anything but `npm run demo`).',
  )
  @ApiProblem(409, '`A fault is running`: one at a time.')
  @ApiProblem(502, '`Fault injector refused the gateway`: the two do not share the admin token.')
  @ApiProblem(503, '`Fault injector unreachable`.')
  @ApiNoBodyProblems()
  async start(@Param('action', actionParam) action: FaultAction): Promise<RunningFault> {
    const answer = await this.injector.start(action);
    if (!answer.ok) throw new HttpException(answer.problem, answer.problem.status);
    return answer.running;
  }
}
