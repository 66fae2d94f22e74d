/** Reading JSON requests and writing JSON responses with node:http, with the limits the engine needs. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A match result of 100 players is about 8 KiB; SQS accepts 256 KiB per message. */
export const MAX_BODY_BYTES = 64 * 1024;

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413 | 415; errors: string[] };

const isJson = (contentType: string | undefined) =>
  /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');

/** Reads and parses a JSON body; rejects (client gone) only when the request was aborted. */
export const readJsonBody = async (request: IncomingMessage): Promise<BodyResult> => {
  if (!isJson(request.headers['content-type'])) {
    request.resume();
    return {
      ok: false,
      status: 415,
      errors: [
        `content-type: "${request.headers['content-type'] ?? ''}" is not supported; expected application/json`,
      ],
    };
  }
  const tooLarge: BodyResult = {
    ok: false,
    status: 413,
    errors: [`(body): larger than ${MAX_BODY_BYTES} bytes; expected one match result`],
  };
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    request.resume();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      request.resume();
      return tooLarge;
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
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
