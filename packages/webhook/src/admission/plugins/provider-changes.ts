// Warnings (never errors) for AWSProvider updates whose effect on existing tables is easy to miss. Pure:
// the webhook does not know the provider's tables, so each warning says what the change means for any
// of them, with the numbers to check against.
import { limits } from '@dynamodb-operator/api';
import { defaultTagsOf } from '../../providers/lookup.ts';
import type { AdmissionPlugin } from '../plugins.ts';

const specString = (object: Record<string, unknown> | undefined, field: string): string | undefined => {
  const spec = object?.spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  const value = (spec as Record<string, unknown>)[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Endpoint changed: tables already created through the provider do not move with it. (A region change
 * is warned about by the api package's provider rules.) Kept under 120 characters, as warnings should be. */
export function providerMoveWarnings(old: Record<string, unknown>, next: Record<string, unknown>): string[] {
  const before = specString(old, 'endpoint');
  const after = specString(next, 'endpoint');
  if (before === after) return [];
  const from = before ?? 'AWS';
  const to = after ?? 'AWS';
  return [`spec.endpoint: tables created via ${from} stay there; only new tables go to ${to}`];
}

/** defaultTags gained keys: every table of the provider gets them, and AWS allows 50 tags per table. */
export function providerTagWarnings(
  old: Record<string, unknown>,
  next: Record<string, unknown>,
  operatorTags: Record<string, string>,
): string[] {
  const before = defaultTagsOf(old);
  const after = defaultTagsOf(next);
  const added = Object.keys(after).filter((key) => !(key in before));
  if (added.length === 0) return [];
  // Keys a table sets itself are not added twice, so this is the room for a table's other keys.
  const defaults = new Set([...Object.keys(operatorTags), ...Object.keys(after)]);
  const room = Math.max(limits.MAX_TAGS - limits.OPERATOR_TAG_COUNT - defaults.size, 0);
  return [
    `spec.defaultTags: ${added.length} new key(s) reach every table; one with over ${room} own tags exceeds ` +
      `AWS's ${limits.MAX_TAGS}-tag limit`,
  ];
}

export function providerChangesPlugin(operatorTags: Record<string, string>): AdmissionPlugin {
  return {
    name: 'provider-changes',
    run: (context) => {
      const { request, object, oldObject } = context;
      if (request.kind.kind !== 'AWSProvider' || request.operation !== 'UPDATE' || !oldObject) {
        return { errors: [], warnings: [] };
      }
      return {
        errors: [],
        warnings: [...providerMoveWarnings(oldObject, object), ...providerTagWarnings(oldObject, object, operatorTags)],
      };
    },
  };
}
