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
 * - retries: the client's retry strategy (standard: `maxAttempts`, backoff with jitter, a retry quota,
 *   at least a `Retry-After`), told each failure's kind by the SDK's own classification;
 * - the clock skew offset the client signs with, sampled from answers as the SDK's signer does.
 * What is written here is the AWS JSON 1.0 protocol of this one operation (the request the SDK sends,
 * tests/sqs-send-batch.test.ts compares them): a POST with `X-Amz-Target: AmazonSQS.SendMessageBatch`
 * and the request as JSON; the answer's `Successful` and `Failed`; an error's name as the SDK gives it
 * (`__type`, `x-amzn-query-error`); and the MD5 of each body SQS stored, checked as the SDK checks it.
 * Everything else the engine asks of SQS (the readiness probe) goes through `client.send`.
 */
import { createHash } from 'node:crypto';
import type { BatchResultErrorEntry, SQSClient } from '@aws-sdk/client-sqs';
import { HttpRequest, type HttpResponse } from '@smithy/core/protocols';
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
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
  /** SQS's query-protocol code (`AWS.SimpleQueueService.NonExistentQueue`), where it sent one. */
  readonly Code: string | undefined;
  /** The answer, for its `Retry-After` (the retry strategy waits at least that long). */
  readonly $response: HttpResponse;

  constructor(
    name: string,
    message: string,
    response: HttpResponse,
    { code, requestId }: { code?: string; requestId?: string } = {},
  ) {
    super(`SQS SendMessageBatch failed with HTTP ${response.statusCode}: ${name}: ${message}`);
    this.name = name;
    this.$fault = response.statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: response.statusCode, requestId };
    this.Code = code;
    this.$response = response;
  }
}

interface AnswerEntry {
  Id?: string;
  MD5OfMessageBody?: string;
}

/**
 * The error's name as the SDK gives it for SQS: the modelled error (`__type`
 * `com.amazonaws.sqs#QueueDoesNotExist` -> `QueueDoesNotExist`), else SQS's query code from
 * `x-amzn-query-error` (`AccessDenied;Sender` -> `AccessDenied`), else whatever type the answer names.
 */
const errorOf = (answer: Record<string, unknown>, response: HttpResponse): SqsRequestError => {
  const field = (name: string) =>
    Object.entries(answer).find(
      ([key, value]) => key.toLowerCase() === name && typeof value === 'string',
    )?.[1] as string | undefined;
  const type = field('__type') ?? response.headers['x-amzn-errortype'] ?? field('code') ?? '';
  const [namespace, shape] = type.includes('#') ? type.split('#') : ['', type];
  const typeName = shape?.split(':')[0] ?? '';
  const code = response.headers['x-amzn-query-error']?.split(';')[0] || undefined;
  const name =
    (namespace === 'com.amazonaws.sqs' && typeName) || code || typeName || `Http${response.statusCode}`;
  return new SqsRequestError(name, field('message') ?? '', response, {
    code,
    requestId: response.headers['x-amzn-requestid'],
  });
};

/** An error as the SDK's classification reads it (name, `$metadata`, `$retryable`, `code`, `cause`). */
type SdkError = Parameters<typeof isTransientError>[0];

/** An answer's list (`Successful`, `Failed`); anything else reads as none. */
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** The SDK's threshold past which a corrected clock offset makes the failed request worth retrying. */
const CLOCK_SKEW_RETRY_MS = 240_000;

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
  /** Resolved on the first send (a failure is not kept: the next send tries again). */
  let endpoint: Promise<URL> | undefined;
  const endpointUrl = () =>
    (endpoint ??= (async () => {
      const override = config.isCustomEndpoint ? await config.endpoint?.() : undefined;
      if (!override) return new URL('/', queueUrl);
      const port = override.port ? `:${override.port}` : '';
      const path = override.path?.endsWith('/') ? override.path : `${override.path ?? ''}/`;
      return new URL(path, `${override.protocol}//${override.hostname}${port}`);
    })().catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    }));

  /**
   * The SDK signer's clock skew sampling (`AwsSdkSigV4Signer` in @aws-sdk/core): every answer's
   * `Date` (unless it came through a cache, `Age`) sets the offset the next signature uses; an error
   * answered while the offset was 4 minutes or more off is marked corrected, so it is retried.
   */
  const sampleClock = (response: HttpResponse, sentAt: number, error?: SqsRequestError) => {
    const serverTime = Date.parse(response.headers.date ?? '');
    const receivedAt = Date.now();
    if (response.headers.age !== undefined || Number.isNaN(serverTime) || receivedAt - sentAt > 900_000)
      return;
    const before = config.systemClockOffset;
    config.systemClockOffset = serverTime - receivedAt;
    if (
      error &&
      config.systemClockOffset !== before &&
      Math.abs(config.systemClockOffset) >= CLOCK_SKEW_RETRY_MS
    )
      error.$metadata.clockSkewCorrected = true;
  };

  const attempt = async (body: string): Promise<Record<string, unknown>> => {
    const url = await endpointUrl();
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
        // SQS then names errors with its query-protocol codes too (x-amzn-query-error), as for the SDK.
        'x-amzn-query-mode': 'true',
      },
      body,
    });
    // AWS_DISABLE_CLOCK_SKEW_CORRECTION (the client's setting) signs with this machine's clock as is.
    const skewCorrection = (await config.disableClockSkewCorrection?.()) !== true;
    const sentAt = Date.now();
    const signed = await signer.sign(request, {
      signingDate: new Date(sentAt + (skewCorrection ? config.systemClockOffset : 0)),
    });
    const { response } = await config.requestHandler.handle(signed as HttpRequest);
    const text = Buffer.from(await config.streamCollector(response.body)).toString('utf8');
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = undefined;
    }
    const readable = typeof answer === 'object' && answer !== null && !Array.isArray(answer);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const error = errorOf(
        readable ? (answer as Record<string, unknown>) : { message: text.slice(0, 200) },
        response,
      );
      if (skewCorrection) sampleClock(response, sentAt, error);
      throw error;
    }
    if (skewCorrection) sampleClock(response, sentAt);
    // A 2xx whose body is not the operation's answer: nothing is known stored. Not retried (the SDK
    // fails to parse it and does not retry either); every entry gets its 503.
    if (!readable)
      throw new SqsRequestError(
        'UnreadableAnswer',
        `not a SendMessageBatch answer: ${text.slice(0, 200)}`,
        response,
      );
    return answer as Record<string, unknown>;
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
          token = await retryStrategy.refreshRetryTokenForRetry(token, {
            error: failure,
            errorType,
            retryAfterHint: getRetryAfterHint((failure as { $response?: HttpResponse }).$response),
          });
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
    for (const entry of list<BatchResultErrorEntry>(answer.Failed))
      if (entry?.Id !== undefined) failed.set(entry.Id, entry);
    for (const { Id, MD5OfMessageBody } of list<AnswerEntry>(answer.Successful).filter(Boolean)) {
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
