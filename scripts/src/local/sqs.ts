/**
 * A real SQS- and S3-compatible server for tests and `npm start`: fauxqs, in process, on loopback.
 * It honours visibility timeouts, ApproximateReceiveCount and RedrivePolicy (a message received
 * `maxReceiveCount` times moves to the dead-letter queue), which is what the consumer tests need.
 */
import { startFauxqs } from 'fauxqs';

export interface LocalAws {
  /** Endpoint for the AWS SDK clients (`endpoint` option): `http://127.0.0.1:<port>`. */
  endpoint: string;
  region: string;
  /** Static credentials the SDK needs to sign requests; fauxqs accepts any. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export const startLocalAws = async (options: { port?: number; region?: string } = {}): Promise<LocalAws> => {
  const region = options.region ?? 'eu-west-1';
  const server = await startFauxqs({ port: options.port ?? 0, logger: false, defaultRegion: region });
  return {
    endpoint: server.address,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    stop: () => server.stop(),
  };
};
