import { HttpStatus } from '@nestjs/common';
import { RpcErrorFilter } from '@switchyard/service';
import { RebuildAlreadyRunningError } from '../rebuilding/rebuild-orders.service';
import { IncompleteHistoryError } from '../rebuilding/source-history';

/**
 * The rebuilder's answers to failures. Both refusals are 409: the request is fine, the
 * state forbids it (a run in progress; a topic that lost part of its history, where an
 * operator decides, never the API: ADR 0023). Anything else: the run did not start.
 */
export const REBUILDER_RPC_ERRORS = new RpcErrorFilter(
  [
    {
      error: RebuildAlreadyRunningError,
      status: HttpStatus.CONFLICT,
      title: 'Rebuild already running',
      detail: (error) =>
        `${error.message}; follow it with GET /admin/projections/${(error as RebuildAlreadyRunningError).projection}.`,
    },
    {
      error: IncompleteHistoryError,
      status: HttpStatus.CONFLICT,
      title: 'Source history incomplete',
    },
  ],
  { status: HttpStatus.SERVICE_UNAVAILABLE, title: 'Rebuild did not start' },
);
