// Reads an AdmissionReview body as text: JSON content type, no content coding, UTF-8, at most `limit`
// bytes. Small on purpose: body-parser's generality (charsets, inflation, type matching) costs more than
// the rest of our path. A refused body is described (type, coding, size), never echoed: it may be binary.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

export class HttpError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** Header text made safe to quote: printable ASCII only, at most 60 characters. */
export function printable(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > 60 ? `${safe.slice(0, 57)}...` : safe;
}

/** What a caller sent, in words: content type, content coding and size. */
export function describeBody(req: IncomingMessage, size?: number): string {
  const type = printable(req.headers['content-type'] ?? 'none');
  const encoding = printable(req.headers['content-encoding'] ?? 'identity');
  const bytes = size ?? req.headers['content-length'] ?? 'unknown';
  return `${bytes} bytes, Content-Type ${type}, Content-Encoding ${encoding}`;
}

export function readJsonBody(req: IncomingMessage, limit: number): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    req.resume();
    return Promise.reject(
      new HttpError(415, 'UnsupportedMediaType', `Content-Type must be application/json, got "${printable(type)}"`),
    );
  }
  // The API server never compresses a review; inflating one would also multiply what a caller makes us hold.
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    req.resume();
    return Promise.reject(
      new HttpError(
        415,
        'UnsupportedMediaType',
        `Content-Encoding "${printable(encoding)}" is not supported: send the AdmissionReview uncompressed ` +
          `(${describeBody(req)})`,
      ),
    );
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  const tooLarge = (): HttpError =>
    new HttpError(413, 'RequestEntityTooLarge', `request body exceeds the ${limit}-byte limit of this webhook`);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const body = Buffer.concat(chunks, size);
      if (isUtf8(body)) {
        resolve(body.toString('utf8'));
      } else {
        const gzip = body[0] === 0x1f && body[1] === 0x8b ? ', starts like gzip: send it uncompressed' : '';
        reject(new HttpError(400, 'BadRequest', `request body is not UTF-8 text (${describeBody(req, size)}${gzip})`));
      }
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(new HttpError(400, 'BadRequest', `reading the request body failed: ${error.message}`));
      }
    });
  });
}
