/**
 * JSON over HTTPS with Node's own `node:https`: no extra dependency, and `--ca-file` becomes a trusted CA
 * beside the system's ones. Redirects are not followed: answers must go only where `--server` says.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpJsonOptions {
  /** PEM certificates of a CA to trust besides Node's bundled ones (`--ca-file`). */
  readonly ca?: string;
  /** Give up when the server sends nothing for this long. */
  readonly timeoutMs?: number;
  /** A bearer token for routes that need a signed-in operator (`issue`). */
  readonly token?: string;
}

export interface HttpJsonAnswer {
  readonly status: number;
  /** The parsed JSON body; undefined when it was empty or not JSON. */
  readonly body: unknown;
}

/** No answer of ours is near this; a larger one is not the Cardwarden server. */
const MAX_BODY_BYTES = 1_048_576;
const DEFAULT_TIMEOUT_MS = 30_000;

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body` as JSON to `url` and reads the answer, whatever its status.
 * @throws the connection's error (with its `code`, such as `ECONNREFUSED` or
 *   `DEPTH_ZERO_SELF_SIGNED_CERT`) when no HTTP answer arrives.
 */
export function postJson(url: URL, body: unknown, options: HttpJsonOptions = {}): Promise<HttpJsonAnswer> {
  return requestJson('POST', url, JSON.stringify(body), options);
}

/**
 * GETs `url` and reads the JSON answer, whatever its status.
 * @throws the connection's error, as `postJson` does.
 */
export function getJson(url: URL, options: HttpJsonOptions = {}): Promise<HttpJsonAnswer> {
  return requestJson('GET', url, undefined, options);
}

function requestJson(
  method: 'GET' | 'POST',
  url: URL,
  payload: string | undefined,
  options: HttpJsonOptions,
): Promise<HttpJsonAnswer> {
  const headers = {
    accept: 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(payload === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
  };
  return new Promise((resolve, reject) => {
    const onAnswer = (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          answer.destroy();
          resolve({ status: answer.statusCode ?? 0, body: undefined });
        } else chunks.push(chunk);
      });
      answer.on('end', () => {
        resolve({ status: answer.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) });
      });
      answer.on('error', reject);
    };
    const request =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            // Giving `ca` replaces Node's bundled roots, so add them back: --ca-file adds a CA.
            { method, headers, ...(options.ca ? { ca: [...rootCertificates, options.ca] } : {}) },
            onAnswer,
          )
        : httpRequest(url, { method, headers }, onAnswer);
    request.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      request.destroy(Object.assign(new Error('the server did not answer in time'), { code: 'ETIMEDOUT' }));
    });
    request.on('error', reject);
    request.end(payload);
  });
}
