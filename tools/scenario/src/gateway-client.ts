import type {
  ConsumerControlResult,
  ConsumerSummary,
  ControlledService,
  OrderStatus,
  OrderView,
} from '@switchyard/contracts';

export interface PlacedOrder {
  /** HTTP status: 201 when the order was stored in JetStream. */
  status: number;
  orderId?: string;
  latencyMs: number;
}

/** The demo's public API, the way any HTTP client sees it, and `/admin` as an operator. */
export class GatewayClient {
  constructor(
    private readonly baseUrl: string,
    /** The admin token (`Authorization: Bearer`), for `/admin` only. */
    private readonly adminToken?: string,
  ) {}

  async placeOrder(customerId: string, region: string, sku: string): Promise<PlacedOrder> {
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId, region, items: [{ sku, quantity: 1 }] }),
    });
    const body = (await response.json().catch(() => ({}))) as { orderId?: string };
    return {
      status: response.status,
      orderId: body.orderId,
      latencyMs: performance.now() - started,
    };
  }

  /** The read model's view, or `undefined` while the order is not projected (404). */
  async order(orderId: string): Promise<OrderView | undefined> {
    const response = await fetch(`${this.baseUrl}/orders/${orderId}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
    return (await response.json()) as OrderView;
  }

  async statuses(orderIds: readonly string[]): Promise<Map<string, OrderStatus | undefined>> {
    const views = await Promise.all(orderIds.map((orderId) => this.order(orderId)));
    return new Map(orderIds.map((orderId, index) => [orderId, views[index]?.status]));
  }

  consumers(): Promise<ConsumerSummary[]> {
    return this.json<ConsumerSummary[]>('GET', '/admin/consumers');
  }

  pause(service: ControlledService): Promise<ConsumerControlResult> {
    return this.json<ConsumerControlResult>('POST', `/admin/consumers/${service}/pause`);
  }

  resume(service: ControlledService): Promise<ConsumerControlResult> {
    return this.json<ConsumerControlResult>('POST', `/admin/consumers/${service}/resume`);
  }

  /** An operator's call: the token, and a JSON body on a `POST` (the gateway wants one). */
  private async json<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const headers: Record<string, string> = this.adminToken
      ? { authorization: `Bearer ${this.adminToken}` }
      : {};
    const post = method === 'POST';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: post ? { ...headers, 'content-type': 'application/json' } : headers,
      body: post ? '{}' : undefined,
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const detail = (body as { detail?: string; title?: string } | undefined) ?? {};
      throw new Error(
        `${method} ${path} answered ${response.status}: ${detail.detail ?? detail.title ?? ''}`,
      );
    }
    return body as T;
  }
}
