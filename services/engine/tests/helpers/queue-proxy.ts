/**
 * An HTTP proxy in front of the local queue server (fauxqs): what the network between the engine and
 * SQS can do, put on purpose. It records every request as it arrived (headers and body), and per
 * request can hold it back, answer in the queue's place (a 500, throttling, a clock skew error), or
 * change the real answer on its way back. Everything it does not change reaches the real server.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** When it arrived (`performance.now()`). */
  receivedAt: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface QueueProxyOptions {
  /** Held back this long before anything else happens to it. */
  delayMs?: number;
  /** An answer in the queue's place for the `index`-th request (from 0); `undefined` forwards it. */
  answer?: (request: ProxiedRequest, index: number) => ProxyAnswer | undefined;
  /** Changes the queue's answer body before it goes back. */
  rewrite?: (body: string) => string;
}

export interface QueueProxy {
  endpoint: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

export const startQueueProxy = async (
  target: string,
  options: QueueProxyOptions = {},
): Promise<QueueProxy> => {
  const requests: ProxiedRequest[] = [];
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const proxied: ProxiedRequest = {
        receivedAt: performance.now(),
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(proxied) - 1;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const answer = options.answer?.(proxied, index);
      if (answer) {
        outgoing.writeHead(answer.status, {
          'content-type': 'application/x-amz-json-1.0',
          ...answer.headers,
        });
        outgoing.end(answer.body);
        return;
      }
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: proxied.method,
          path: proxied.path,
          headers: incoming.headers,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (chunk: Buffer) => parts.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            const body = options.rewrite ? options.rewrite(text) : text;
            const { 'content-length': _, 'transfer-encoding': __, ...headers } = response.headers;
            outgoing.writeHead(response.statusCode ?? 502, {
              ...headers,
              'content-length': Buffer.byteLength(body),
            });
            outgoing.end(body);
          });
        },
      );
      forwarded.on('error', (error) => outgoing.destroy(error));
      forwarded.end(proxied.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
