// Reads an AdmissionReview body as text: JSON content type, at most `limit` bytes. Small on purpose:
// body-parser's generality (charsets, inflation, type matching) costs more than the rest of our path.
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

export function readJsonBody(req: IncomingMessage, limit: number): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) {
    req.resume();
    return Promise.reject(
      new HttpError(415, 'UnsupportedMediaType', `Content-Type must be application/json, got "${type.slice(0, 60)}"`),
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
      if (!failed) resolve(Buffer.concat(chunks, size).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(new HttpError(400, 'BadRequest', `reading the request body failed: ${error.message}`));
      }
    });
  });
}
