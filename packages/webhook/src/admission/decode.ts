// Body text → AdmissionRequest, or a reason why not. Pure. Everything the API server sends is checked
// here, so that later steps can rely on the shape; anything else is refused, never allowed.
import { ADMISSION_API_VERSION, OPERATIONS } from './types.ts';
import type { AdmissionRequest, GroupVersionKind, Operation } from './types.ts';

export type DecodeResult =
  | { ok: true; request: AdmissionRequest }
  /** `uid` is set once the envelope is a v1 AdmissionReview: the caller can then answer with a denial. */
  | { ok: false; code: number; reason: string; message: string; uid?: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Control and non-ASCII characters as \\uXXXX escapes, at most 160 characters: safe in a log line or a message. */
export function printableDetail(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return safe.length > 160 ? `${safe.slice(0, 157)}...` : safe;
}

function decodeGvk(value: unknown): GroupVersionKind | undefined {
  if (!isRecord(value)) return undefined;
  const { group, version, kind } = value;
  if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string') return undefined;
  return { group, version, kind };
}

export function decodeAdmissionReview(text: string): DecodeResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the input; a body can hold anything, so only printable ASCII of it is shown.
    const detail = printableDetail(error instanceof Error ? error.message : String(error));
    return {
      ok: false,
      code: 400,
      reason: 'BadRequest',
      message: `request body (${text.length} characters) is not valid JSON: ${detail}`,
    };
  }
  if (!isRecord(body)) {
    return {
      ok: false,
      code: 400,
      reason: 'BadRequest',
      message: 'request body must be a JSON object (an AdmissionReview)',
    };
  }
  if (body.apiVersion !== ADMISSION_API_VERSION || body.kind !== 'AdmissionReview') {
    return {
      ok: false,
      code: 400,
      reason: 'BadRequest',
      message:
        `expected apiVersion ${ADMISSION_API_VERSION} and kind AdmissionReview, got ` +
        `${describe(body.apiVersion)} and ${describe(body.kind)}: register the webhook with admissionReviewVersions: [v1]`,
    };
  }
  const request = body.request;
  if (!isRecord(request) || typeof request.uid !== 'string' || request.uid === '') {
    return {
      ok: false,
      code: 400,
      reason: 'BadRequest',
      message: 'AdmissionReview.request.uid must be a non-empty string',
    };
  }
  const uid = request.uid;
  const deny = (message: string): DecodeResult => ({ ok: false, code: 400, reason: 'BadRequest', message, uid });

  const kind = decodeGvk(request.kind);
  if (!kind) return deny(`request.kind must be {group, version, kind} strings, got ${describe(request.kind)}`);
  if (typeof request.operation !== 'string' || !(OPERATIONS as readonly string[]).includes(request.operation)) {
    return deny(`request.operation must be one of ${OPERATIONS.join(', ')}, got ${describe(request.operation)}`);
  }
  const operation = request.operation as Operation;
  for (const field of ['namespace', 'name'] as const) {
    if (request[field] !== undefined && typeof request[field] !== 'string') {
      return deny(`request.${field} must be a string, got ${describe(request[field])}`);
    }
  }
  if (request.dryRun !== undefined && typeof request.dryRun !== 'boolean') {
    return deny(`request.dryRun must be a boolean, got ${describe(request.dryRun)}`);
  }
  const object = request.object ?? undefined;
  const oldObject = request.oldObject ?? undefined;
  if (object !== undefined && !isRecord(object))
    return deny(`request.object must be a JSON object, got ${describe(object)}`);
  if (oldObject !== undefined && !isRecord(oldObject)) {
    return deny(`request.oldObject must be a JSON object, got ${describe(oldObject)}`);
  }
  if ((operation === 'CREATE' || operation === 'UPDATE') && object === undefined) {
    return deny(`request.object is required for ${operation}`);
  }
  if (operation === 'UPDATE' && oldObject === undefined) return deny('request.oldObject is required for UPDATE');

  const decoded: AdmissionRequest = { uid, kind, operation, dryRun: request.dryRun === true };
  if (typeof request.namespace === 'string') decoded.namespace = request.namespace;
  if (typeof request.name === 'string') decoded.name = request.name;
  if (object !== undefined) decoded.object = object;
  if (oldObject !== undefined) decoded.oldObject = oldObject;
  return { ok: true, request: decoded };
}
