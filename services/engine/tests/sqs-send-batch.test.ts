/**
 * `SendMessageBatch` as the engine sends it (one signed request, not through the SDK's command
 * pipeline), against the local queue server (fauxqs), with a proxy in front of it for what the
 * network and SQS can do on purpose. fauxqs accepts any signature, so the signature is checked by an
 * independent SigV4 implementation (aws4) over the request exactly as it arrived, and the request is
 * compared with the one the SDK sends for the same entries.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateQueueCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type LocalSqs, startLocalSqs } from '@game-platform/local';
import { type HttpRequest, HttpResponse } from '@smithy/core/protocols';
import aws4 from 'aws4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsRequestError, sqsSendMessageBatch } from '../src/adapters/sqs-send-batch';
import { drainQueue } from './helpers/drain-queue';
import { type QueueProxy, startQueueProxy } from './helpers/queue-proxy';

/** Credentials of a role session, as the ECS task role gives them (with a session token). */
const CREDENTIALS = {
  accessKeyId: 'ASIAEXAMPLEKEY',
  secretAccessKey: 'example/secret',
  sessionToken: 'session-token',
};

let local: LocalSqs;
const proxies: QueueProxy[] = [];
const clients: SQSClient[] = [];

beforeAll(async () => {
  local = await startLocalSqs();
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all(proxies.map((proxy) => proxy.stop()));
  await local?.stop();
});

let queues = 0;
const createQueue = async (): Promise<string> => {
  queues += 1;
  const { QueueUrl } = await local.sqs.send(
    new CreateQueueCommand({ QueueName: `send-batch-test-${queues}` }),
  );
  return QueueUrl ?? '';
};

/** A proxy to the queue server, and an SQS client whose endpoint is the proxy (as the engine's, with AWS_ENDPOINT_URL_SQS). */
const throughProxy = async (options: Parameters<typeof startQueueProxy>[1] = {}) => {
  const proxy = await startQueueProxy(local.aws.endpoint, options);
  proxies.push(proxy);
  const client = new SQSClient({
    region: local.aws.region,
    endpoint: proxy.endpoint,
    credentials: CREDENTIALS,
    useQueueUrlAsEndpoint: false,
    maxAttempts: 3,
  });
  clients.push(client);
  return { proxy, client };
};

const bodiesOnQueue = async (queueUrl: string): Promise<string[]> =>
  (await drainQueue(local.sqs, queueUrl)).map((message) => message.Body ?? '').sort();

const entries = [
  { Id: '0', MessageBody: '{"id":"first","text":"é \\u2028 /"}' },
  { Id: '1', MessageBody: '{"id":"second"}' },
];

/** The error answer SQS gives in its JSON protocol. */
const sqsError = (status: number, type: string, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: JSON.stringify({ __type: `com.amazonaws.sqs#${type}`, message }),
});

describe('sqsSendMessageBatch', () => {
  it('sends a request signed with SigV4 that an independent implementation (aws4) signs the same, and SQS stores the entries', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy();

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess: stored; and the Authorization header is the one aws4 computes for the request as it arrived.
    expect([...result.stored].sort()).toEqual(['0', '1']);
    expect(result.failed.size).toBe(0);
    expect(await bodiesOnQueue(queueUrl)).toEqual(entries.map((entry) => entry.MessageBody).sort());
    const [arrived] = proxy.requests;
    const { authorization, connection: _, ...headers } = arrived?.headers ?? {};
    expect(headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    // The payload hash is signed as sent; it must be the hash of the body that arrived.
    expect(headers['x-amz-content-sha256']).toBe(
      createHash('sha256')
        .update(arrived?.body ?? '')
        .digest('hex'),
    );
    const resigned = aws4.sign(
      {
        host: headers.host,
        method: arrived?.method,
        path: arrived?.path,
        service: 'sqs',
        region: local.aws.region,
        headers: headers as Record<string, string>,
        body: arrived?.body,
      },
      CREDENTIALS,
    );
    expect(authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY\/\d{8}\/eu-west-1\/sqs\/aws4_request, /,
    );
    expect(authorization).toBe(resigned.headers?.Authorization);
  });

  it('sends the operation, protocol headers and body bytes the SDK sends for the same entries', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy();

    // Act: the same entries, once through the SDK's command and once as the engine sends them.
    await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess
    const [bySdk, byEngine] = proxy.requests;
    const protocol = (request: typeof bySdk) => ({
      method: request?.method,
      path: request?.path,
      body: request?.body,
      contentType: request?.headers['content-type'],
      target: request?.headers['x-amz-target'],
      queryMode: request?.headers['x-amzn-query-mode'],
      token: request?.headers['x-amz-security-token'],
      payloadHash: request?.headers['x-amz-content-sha256'],
    });
    expect(protocol(byEngine)).toEqual(protocol(bySdk));
    expect(protocol(byEngine).target).toBe('AmazonSQS.SendMessageBatch');
  });

  it.each([
    ['a server error (500 InternalFailure)', sqsError(500, 'InternalFailure', 'try again')],
    ['throttling (400 ThrottlingException)', sqsError(400, 'ThrottlingException', 'Rate exceeded')],
  ])('retries after %s, as the SDK does, and stores each entry once', async (_, failure) => {
    // Prepare: the first request is answered with the failure, the next one reaches the queue.
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy({
      answer: (_request, index) => (index === 0 ? failure : undefined),
    });

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess
    expect(proxy.requests).toHaveLength(2);
    expect([...result.stored].sort()).toEqual(['0', '1']);
    expect(await bodiesOnQueue(queueUrl)).toEqual(entries.map((entry) => entry.MessageBody).sort());
  });

  it('rejects at once, without retrying, when SQS refuses the request (a queue that does not exist)', async () => {
    // Prepare
    const { proxy, client } = await throughProxy();
    const missing = `${local.aws.endpoint}/000000000000/no-such-queue`;

    // Act
    const failure = await sqsSendMessageBatch(client, missing)(entries).catch((error: unknown) => error);

    // Assess: SQS's own code and words, from the one request made.
    expect(failure).toBeInstanceOf(SqsRequestError);
    expect(failure).toMatchObject({ $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 } });
    expect(String(failure)).toMatch(/HTTP 400: \w+: .*queue/i);
    expect(proxy.requests).toHaveLength(1);
  });

  it("in AWS (no endpoint override) sends to the queue URL's host over HTTPS, where the SDK sends", async () => {
    // Prepare: a client without an endpoint override whose HTTP handler only records (no network).
    const recorded: HttpRequest[] = [];
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const answer = JSON.stringify({
      Successful: entries.map((entry) => ({
        Id: entry.Id,
        MessageId: `m-${entry.Id}`,
        MD5OfMessageBody: md5(entry.MessageBody),
      })),
      Failed: [],
    });
    const client = new SQSClient({
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          recorded.push(request);
          return {
            response: new HttpResponse({
              statusCode: 200,
              headers: {},
              body: Readable.from([Buffer.from(answer)]),
            }),
          };
        },
        updateHttpClientConfig: () => {},
        httpHandlerConfigs: () => ({}),
      },
    });
    clients.push(client);
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/game-prod-events';

    // Act
    await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess
    expect([...result.stored].sort()).toEqual(['0', '1']);
    const [bySdk, byEngine] = recorded;
    const target = (request: HttpRequest | undefined) => ({
      protocol: request?.protocol,
      hostname: request?.hostname,
      port: request?.port,
      path: request?.path,
      host: request?.headers.host,
      // The SDK's body is bytes, the engine's a string: compared as text.
      body:
        typeof request?.body === 'string' ? request.body : Buffer.from(request?.body ?? '').toString('utf8'),
    });
    expect(target(byEngine)).toEqual(target(bySdk));
    expect(target(byEngine)).toMatchObject({
      protocol: 'https:',
      hostname: 'sqs.eu-west-1.amazonaws.com',
      path: '/',
    });
  });

  it('waits at least the Retry-After SQS asks for before it retries', async () => {
    // Prepare: throttled once with Retry-After: 2.
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy({
      answer: (_request, index) =>
        index === 0
          ? sqsError(400, 'ThrottlingException', 'Rate exceeded', { 'retry-after': '2' })
          : undefined,
    });

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess: the backoff alone would be well under a second.
    expect([...result.stored].sort()).toEqual(['0', '1']);
    const [first, second] = proxy.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1_900);
  });

  it('names an error SQS does not model by its query code, as the SDK does, and does not retry it', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy({
      answer: () => ({
        status: 403,
        headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
        body: JSON.stringify({
          __type: 'com.amazon.coral.service#AccessDeniedException',
          message: 'not authorized',
        }),
      }),
    });

    // Act
    const failure = await sqsSendMessageBatch(client, queueUrl)(entries).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'AccessDenied',
      Code: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(String(failure)).toMatch(/HTTP 403: AccessDenied: not authorized/);
    expect(proxy.requests).toHaveLength(1);
  });

  it('rejects a 200 whose body is not a SendMessageBatch answer (nothing is known stored), without retrying', async () => {
    // Prepare
    const queueUrl = await createQueue();
    const { proxy, client } = await throughProxy({
      answer: () => ({
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html>captive portal</html>',
      }),
    });

    // Act
    const failure = await sqsSendMessageBatch(client, queueUrl)(entries).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'UnreadableAnswer' });
    expect(String(failure)).toMatch(/captive portal/);
    expect(proxy.requests).toHaveLength(1);
  });

  it('reports an entry that is neither in Successful nor in Failed as neither stored nor failed', async () => {
    // Prepare: the answer leaves entry 1 out.
    const queueUrl = await createQueue();
    const { client } = await throughProxy({
      rewrite: (body) => {
        const answer = JSON.parse(body) as { Successful: Array<{ Id: string }> };
        answer.Successful = answer.Successful.filter((entry) => entry.Id !== '1');
        return JSON.stringify(answer);
      },
    });

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess: the publisher rejects what is not in `stored` (sqs-batch.test.ts).
    expect([...result.stored]).toEqual(['0']);
    expect(result.failed.has('1')).toBe(false);
  });

  it('reports an entry whose stored body has another MD5 than the body sent as failed, not stored', async () => {
    // Prepare: the answer says entry 1 was stored with another body's MD5.
    const queueUrl = await createQueue();
    const { client } = await throughProxy({
      rewrite: (body) => {
        const answer = JSON.parse(body) as { Successful: Array<{ Id: string; MD5OfMessageBody: string }> };
        for (const entry of answer.Successful) if (entry.Id === '1') entry.MD5OfMessageBody = '0'.repeat(32);
        return JSON.stringify(answer);
      },
    });

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess
    expect([...result.stored]).toEqual(['0']);
    expect(result.failed.get('1')).toMatchObject({ Code: 'MD5Mismatch', SenderFault: false });
  });

  it('corrects its signing clock from the date of an error answer an hour ahead, and the retry is stored', async () => {
    // Prepare: the first answer comes from a server whose clock is an hour ahead of this one.
    const queueUrl = await createQueue();
    const hourAhead = new Date(Date.now() + 3_600_000);
    const { proxy, client } = await throughProxy({
      answer: (_request, index) =>
        index === 0
          ? sqsError(403, 'SignatureDoesNotMatch', 'Signature expired', { date: hourAhead.toUTCString() })
          : undefined,
    });

    // Act
    const result = await sqsSendMessageBatch(client, queueUrl)(entries);

    // Assess: the second request is signed an hour ahead (X-Amz-Date: yyyymmddThhmmssZ).
    expect([...result.stored].sort()).toEqual(['0', '1']);
    const signedAt = (index: number) => {
      const stamp = String(proxy.requests[index]?.headers['x-amz-date']);
      return Date.parse(
        stamp.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
      );
    };
    expect(signedAt(1) - signedAt(0)).toBeGreaterThan(3_500_000);
  });
});
