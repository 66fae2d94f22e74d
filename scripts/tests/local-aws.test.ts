/**
 * The local SQS/S3 server listens on loopback only: it accepts any credentials, so it must not be
 * reachable from the network (fauxqs's own `startFauxqs` binds every interface). A taken port fails.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { localSqsClient, startLocalAws } from '../src/local';

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
