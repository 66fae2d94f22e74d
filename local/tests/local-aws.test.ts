/**
 * The local SQS/S3 server listens on loopback only: it accepts any credentials, so it must not be
 * reachable from the network (fauxqs's own `startFauxqs` binds every interface). A taken port fails.
 * Its queue URLs work in a stock client (one given no endpoint of its own), and it refuses message
 * characters outside the Basic Multilingual Plane, which SQS accepts (listed in the local platform's
 * README under what differs from AWS).
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createQueueWithDeadLetter, localSqsClient, startLocalAws } from '../src';

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address?.family === 'IPv4' && !address.internal)?.address;

describe('startLocalAws', () => {
  it('serves SQS on 127.0.0.1 and on no other address of this machine', async () => {
    // Prepare
    const aws = await startLocalAws();
    const sqs = localSqsClient(aws);
    try {
      const port = Number(new URL(aws.endpoint).port);

      // Act
      const queues = await sqs.send(new ListQueuesCommand({}));
      const fromOutside = outsideAddress ? await accepts(outsideAddress, port) : false;

      // Assess
      expect(aws.endpoint).toBe(`http://127.0.0.1:${port}`);
      expect(queues.$metadata.httpStatusCode).toBe(200);
      expect(fromOutside).toBe(false);
    } finally {
      sqs.destroy();
      await aws.stop();
    }
  });

  it('hands out queue URLs on 127.0.0.1 that a client with no endpoint of its own can use', async () => {
    // Prepare
    const aws = await startLocalAws();
    const admin = localSqsClient(aws);
    // What a stock client has: a region, credentials and the queue URL; the SDK sends to the URL's host.
    // (Its notice that the URL is not the region's AWS endpoint is what we want here: silenced.)
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const stock = new SQSClient({ region: aws.region, credentials: aws.credentials, logger: quiet });
    try {
      const { queueUrl } = await createQueueWithDeadLetter(admin, {
        name: 'game-test-events',
        visibilityTimeoutSeconds: 30,
        maxReceiveCount: 5,
      });

      // Act
      await stock.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'reached' }));
      const { Messages = [] } = await stock.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
      const astral = await stock
        .send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'GG \u{1F3AE}' }))
        .catch((error: Error) => error.name);

      // Assess
      expect(queueUrl).toBe(`${aws.endpoint}/000000000000/game-test-events`);
      expect(aws.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Messages.map((message) => message.Body)).toEqual(['reached']);
      expect(astral).toMatch(/InvalidMessageContents$/);
    } finally {
      stock.destroy();
      admin.destroy();
      await aws.stop();
    }
  });

  it('refuses a port that is taken, with EADDRINUSE', async () => {
    const first = await startLocalAws();
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startLocalAws({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
    }
  });
});
