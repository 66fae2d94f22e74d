/** Reading JSON requests and writing JSON responses with node:http, with the limits the engine needs. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A match result of 100 players is about 8 KiB; SQS accepts 256 KiB per message. */
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      status: 400 | 413 | 415;
      errors: string[];
      /** Headers the answer needs: `connection: close` when the body, or the rest of it, was left unread. */
      headers?: Record<string, string>;
    };

const isJson = (contentType: string | undefined) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

/** Reads and parses a JSON body; rejects (client gone) only when the request was aborted. */
export const readJsonBody = async (request: IncomingMessage): Promise<BodyResult> => {
  // A body refused unread is never read: the answer closes the connection instead of letting Node
  // read and discard up to `requestTimeout` worth of it before the next request on that connection.
  const unread = { connection: 'close' };
  if (!isJson(request.headers['content-type']))
    return {
      ok: false,
      status: 415,
      errors: [
        `content-type: "${request.headers['content-type'] ?? ''}" is not supported; expected application/json`,
      ],
      headers: unread,
    };
  const tooLarge: BodyResult = {
    ok: false,
    status: 413,
    errors: [`(body): larger than ${MAX_BODY_BYTES} bytes; expected one match result`],
    headers: unread,
  };
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge;
  // Events, not `for await`: the async iterator costs a few promises and listeners per request on
  // the path of every match result. Past the limit reading stops, and the 413 closes the connection.
  const text = await new Promise<string | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      stop();
      request.pause();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // Closed before its end: the client went away mid-body.
    const onClose = () => {
      stop();
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
  if (text === undefined) return tooLarge;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, status: 400, errors: [`(body): not JSON (${(error as Error).message})`] };
  }
};

/** Sends a JSON response that no cache keeps and no browser sniffs. */
export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => sendJsonText(response, status, JSON.stringify(body), headers);

/** `sendJson` for a body serialized already (a cached answer); `headers` override the defaults. */
export const sendJsonText = (
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void => {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
};
