// AdmissionResponse builders. Pure.
import type { FieldError } from '@dynamodb-operator/api';
import type { AdmissionResponse, AdmissionReviewOut } from './types.ts';
import { ADMISSION_API_VERSION } from './types.ts';

/** The API server shows warnings verbatim; Kubernetes asks for ≤ 120 characters, one line each. */
export const MAX_WARNING_LENGTH = 120;
/** More than this many lines stop helping anyone reading kubectl's output. */
const MAX_WARNINGS = 20;

/** A line over the limit loses its middle, at word boundaries: the field path leads and the
 * conclusion (what happens, what to do) usually trails, so both stay readable. */
export function shorten(line: string, max = MAX_WARNING_LENGTH): string {
  if (line.length <= max) return line;
  const budget = max - 5; // ' ... '
  const headLength = Math.ceil(budget * 0.6);
  let head = line.slice(0, headLength);
  let tail = line.slice(line.length - (budget - headLength));
  const headSpace = head.lastIndexOf(' ');
  if (headSpace > head.length / 2) head = head.slice(0, headSpace);
  const tailSpace = tail.indexOf(' ');
  if (tailSpace >= 0 && tailSpace < tail.length / 2) tail = tail.slice(tailSpace + 1);
  return `${head} ... ${tail}`;
}

/** Whitespace other than single inner spaces: a line the replace below would change. */
const UNTIDY = /[^\S ]| {2}|^ | $/;

export function sanitizeWarnings(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  const seen = new Set<string>();
  for (const raw of warnings) {
    // The test alone is about a third of the replace's cost, and almost every line is already tidy.
    const line = UNTIDY.test(raw) ? raw.replace(/\s+/g, ' ').trim() : raw;
    if (line === '') continue;
    seen.add(shorten(line));
    if (seen.size >= MAX_WARNINGS) break;
  }
  return [...seen];
}

export function review(response: AdmissionResponse): AdmissionReviewOut {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

export function allow(uid: string, warnings: readonly string[] = [], patch?: readonly unknown[]): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: true };
  if (patch && patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
  }
  const clean = sanitizeWarnings(warnings);
  if (clean.length > 0) response.warnings = clean;
  return response;
}

/** What the object is called in messages: `DynamoDB "orders"`. */
export function subject(kind: string, name: string | undefined): string {
  return name ? `${kind} "${name}"` : kind;
}

/** The object a denial is about; with it kubectl prints `The DynamoDB "x" is invalid:` and the causes. */
export interface DenialTarget {
  group: string;
  kind: string;
  name?: string;
}

/** 422 Invalid with every error at once, each as a cause (field + message) and in the message text. */
export function denyInvalid(
  uid: string,
  target: DenialTarget,
  errors: readonly FieldError[],
  warnings: readonly string[] = [],
): AdmissionResponse {
  const what = subject(target.kind, target.name);
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  const lines = errors.map((error) => `${error.path}: ${error.message}`);
  const response: AdmissionResponse = {
    uid,
    allowed: false,
    status: {
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: `${what} is invalid (${count}): ${lines.join('; ')}`,
      details: {
        group: target.group,
        kind: target.kind,
        ...(target.name ? { name: target.name } : {}),
        causes: errors.map((error) => ({ reason: 'FieldValueInvalid', field: error.path, message: error.message })),
      },
    },
  };
  const clean = sanitizeWarnings(warnings);
  if (clean.length > 0) response.warnings = clean;
  return response;
}

/** A denial that is not about the spec: malformed review (400), our own failure (500). */
export function denyWith(uid: string, code: number, reason: string, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { status: 'Failure', code, reason, message } };
}
