/**
 * Adapter: SQS `SendMessageBatch` as one signed HTTPS request, made from the SDK client's own parts.
 *
 * Why not `client.send(new SendMessageBatchCommand(...))`: the SDK's command pipeline (a dozen async
 * middlewares, schema-driven serialization and parsing, the client config copied into each call's
 * context twice) costs about 1 ms of CPU per call on this machine, twice what signing and sending
 * the request cost. With one batch per 7-8 match results that was half of the engine's CPU per
 * result; sent this way, the engine spends a third less per result (measured: src/README.md).
 *
 * What stays the SDK's, taken from the client so that there is one configuration:
 * - credentials: the client's provider (the default chain: the ECS task role, refreshed before it expires);
 * - signing: `@smithy/signature-v4`, the SDK's SigV4 signer, with the client's region and SHA-256;
 * - the HTTP handler: the client's (keep-alive agent, connection timeout, request timeout);
 * - retries: the client's retry strategy (standard: `maxAttempts`, backoff with jitter, a retry quota),
 *   told each failure's kind by the SDK's own classification (throttling, transient, server, client).
 * What is written here is the AWS JSON 1.0 protocol of this one operation (the request the SDK sends,
 * tests/sqs-send-batch.test.ts compares them): a POST with `X-Amz-Target: AmazonSQS.SendMessageBatch`
 * and the request as JSON; the answer's `Successful` and `Failed`; an error's code from its `__type`;
 * and the MD5 of each body SQS stored, checked as the SDK checks it. Everything else the engine asks
 * of SQS (the readiness probe) goes through `client.send`.
 */
import { createHash } from 'node:crypto';
import type { BatchResultErrorEntry, SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest } from '@smithy/core/protocols';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { SignatureV4 } from '@smithy/signature-v4';

export interface BatchEntry {
  /** Unique within the batch. */
  Id: string;
  MessageBody: string;
}

export interface SendBatchResult {
  /** Ids of the entries SQS stored (and whose body's MD5 it reported matches what was sent). */
  stored: Set<string>;
  /** Entries SQS did not store, by id, with its reason. */
  failed: Map<string, BatchResultErrorEntry>;
}

/** An error answer of SQS, in the shape the SDK's retry classification reads. */
export class SqsRequestError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string; clockSkewCorrected?: boolean };

  constructor(name: string, message: string, status: number, requestId: string | undefined) {
    super(`SQS SendMessageBatch failed with HTTP ${status}: ${name}: ${message}`);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

interface AnswerEntry {
  Id?: string;
  MD5OfMessageBody?: string;
}

/** The error's code: `__type` without its namespace (`com.amazonaws.sqs#QueueDoesNotExist`), as the SDK names it. */
const errorName = (answer: Record<string, unknown>, status: number): string => {
  const type =
    typeof answer.__type === 'string' ? answer.__type : typeof answer.code === 'string' ? answer.code : '';
  return type.split('#').pop()?.split(':')[0] || `Http${status}`;
};

/** An error as the SDK's classification reads it (name, `$metadata`, `$retryable`, `code`, `cause`). */
type SdkError = Parameters<typeof isTransientError>[0];

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/**
 * A function that sends up to 10 entries to `queueUrl` in one `SendMessageBatch` and says which SQS
 * stored. It rejects only when the request failed as a whole after the client's retries. The endpoint
 * is the client's endpoint override where it has one (local runs), else the queue URL's host, as the
 * SDK does (`useQueueUrlAsEndpoint`); in a VPC the interface endpoint's private DNS answers for it.
 */
export const sqsSendMessageBatch = (client: SQSClient, queueUrl: string) => {
  const { config } = client;
  const signer = new SignatureV4({
    credentials: config.credentials,
    region: config.region,
    service: 'sqs',
    sha256: config.sha256,
    uriEscapePath: config.signingEscapePath,
  });
  const endpoint = (async () => {
    const override = config.isCustomEndpoint ? await config.endpoint?.() : undefined;
    if (!override) return new URL('/', queueUrl);
    const port = override.port ? `:${override.port}` : '';
    return new URL(override.path || '/', `${override.protocol}//${override.hostname}${port}`);
  })();

  const attempt = async (body: string): Promise<Record<string, unknown>> => {
    const url = await endpoint;
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': 'AmazonSQS.SendMessageBatch',
        // SQS answers errors with its query-protocol codes, as to the SDK.
        'x-amzn-query-mode': 'true',
      },
      body,
    });
    // The SDK's clock skew correction (0 unless SQS said the clock was off), as the SDK signs.
    const signed = await signer.sign(request, {
      signingDate: new Date(Date.now() + config.systemClockOffset),
    });
    const { response } = await config.requestHandler.handle(signed as HttpRequest);
    const text = Buffer.from(await config.streamCollector(response.body)).toString('utf8');
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text || '{}') as Record<string, unknown>;
    } catch {
      answer = { message: `not JSON: ${text.slice(0, 200)}` };
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const error = new SqsRequestError(
        errorName(answer, response.statusCode),
        String(answer.message ?? answer.Message ?? ''),
        response.statusCode,
        response.headers['x-amzn-requestid'],
      );
      // As the SDK's signer does: an error answered by a server whose clock is 5 minutes or more
      // from this task's corrects the signing clock, and the corrected request is retried.
      const serverTime = Date.parse(response.headers.date ?? '');
      if (
        Number.isFinite(serverTime) &&
        Math.abs(Date.now() + config.systemClockOffset - serverTime) >= 300_000
      ) {
        config.systemClockOffset = serverTime - Date.now();
        error.$metadata.clockSkewCorrected = true;
      }
      throw error;
    }
    return answer;
  };

  return async (entries: BatchEntry[]): Promise<SendBatchResult> => {
    const body = JSON.stringify({ QueueUrl: queueUrl, Entries: entries });
    const retryStrategy = await config.retryStrategy();
    if (!('acquireInitialRetryToken' in retryStrategy))
      throw new Error(
        "the SQS client has a retry strategy of the SDK's old interface; expected its standard or adaptive one (maxAttempts, retryMode)",
      );
    let token = await retryStrategy.acquireInitialRetryToken('');
    let answer: Record<string, unknown>;
    for (;;) {
      try {
        answer = await attempt(body);
        retryStrategy.recordSuccess(token);
        break;
      } catch (error) {
        const failure = error as SdkError;
        const errorType = isThrottlingError(failure)
          ? 'THROTTLING'
          : isTransientError(failure)
            ? 'TRANSIENT'
            : isServerError(failure)
              ? 'SERVER_ERROR'
              : 'CLIENT_ERROR';
        try {
          // Waits the backoff (and refuses when the attempts or the retry quota are spent).
          token = await retryStrategy.refreshRetryTokenForRetry(token, { errorType });
        } catch {
          // As the SDK reports it: how many attempts were made before giving up.
          failure.$metadata = { ...failure.$metadata, attempts: token.getRetryCount() + 1 };
          throw failure;
        }
        const delay = token.getRetryDelay();
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    const bodies = new Map(entries.map((entry) => [entry.Id, entry.MessageBody]));
    const stored = new Set<string>();
    const failed = new Map<string, BatchResultErrorEntry>();
    for (const entry of (answer.Failed ?? []) as BatchResultErrorEntry[])
      if (entry.Id !== undefined) failed.set(entry.Id, entry);
    for (const { Id, MD5OfMessageBody } of (answer.Successful ?? []) as AnswerEntry[]) {
      const sent = Id === undefined ? undefined : bodies.get(Id);
      if (Id === undefined || sent === undefined || failed.has(Id)) continue;
      // What SQS stored is not what was sent: not stored, for the caller (the SDK throws for the batch).
      if (MD5OfMessageBody !== md5(sent))
        failed.set(Id, {
          Id,
          Code: 'MD5Mismatch',
          SenderFault: false,
          Message: `SQS reported MD5 ${MD5OfMessageBody ?? '(none)'} of the body it stored; the body sent has ${md5(sent)}`,
        });
      else stored.add(Id);
    }
    return { stored, failed };
  };
};
