import { request, type IncomingMessage } from 'node:http';

export interface FeedConnection {
  status: number;
  headers: IncomingMessage['headers'];
  /** The whole body of a refusal (a problem); empty for an open stream. */
  body: string;
  close(): void;
}

/**
 * Opens `GET <url>` as a browser's event stream would, from `localAddress` (any
 * 127.x.y.z is this machine: a second client address without a second machine). Resolves
 * once the answer's head is in for a 200 (the stream stays open), or its whole body for a
 * refusal.
 */
export function openFeed(
  url: string,
  localAddress = '127.0.0.1',
  headers: Record<string, string> = {},
): Promise<FeedConnection> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { localAddress, headers, agent: false }, (response) => {
      const close = () => outgoing.destroy();
      if (response.statusCode === 200) {
        resolve({ status: 200, headers: response.headers, body: '', close });
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, close }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
