/**
 * The Lambda adapter of the post-deploy invocations, with the real AWS SDK client talking HTTP to
 * a loopback server that answers as the Lambda Invoke API does (status, X-Amz-Function-Error,
 * X-Amz-Log-Result): what is sent, and how the answer is read back.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaInvoker } from '../src/lambda-invoker';

interface Answer {
  body: string;
  headers?: Record<string, string>;
}

const received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> =
  [];
let answer: Answer = { body: 'null' };
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      response.writeHead(200, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const invoker = () =>
  lambdaInvoker({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

describe('lambdaInvoker', () => {
  it('invokes the function synchronously with an empty event and asks for the log tail', async () => {
    // Prepare
    received.length = 0;
    answer = { body: '{"applied":[],"alreadyApplied":["0001_game_schema.sql"],"milliseconds":4}' };

    // Act
    const result = await invoker().invoke('game-datastore-dev-migrate');

    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/2015-03-31/functions/game-datastore-dev-migrate/invocations',
      body: '{}',
    });
    expect(received[0]?.headers).toMatchObject({
      'x-amz-invocation-type': 'RequestResponse',
      'x-amz-log-type': 'Tail',
    });
    expect(result).toEqual({ functionError: undefined, payload: answer.body, logTail: undefined });
  });

  it('reads a function error, its payload and the decoded log tail', async () => {
    // Prepare
    const payload = readFileSync(
      new URL('./events/lambda/invoke-unhandled-error.json', import.meta.url),
      'utf8',
    );
    const log = 'START RequestId: 1\nMigrationError: ...\nEND RequestId: 1\n';
    answer = {
      body: payload,
      headers: {
        'X-Amz-Function-Error': 'Unhandled',
        'X-Amz-Log-Result': Buffer.from(log).toString('base64'),
      },
    };

    // Act
    const result = await invoker().invoke('game-datastore-dev-migrate');

    // Assess
    expect(result).toEqual({ functionError: 'Unhandled', payload, logTail: log });
  });
});
