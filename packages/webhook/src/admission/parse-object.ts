// The webhook parses every object it reviews with zod's compiled schemas: the same results and issues as
// the api's parseObject (an invalid object is parsed again by the schema itself), in about half the time
// for a valid one, and zod's parse was the largest part of deciding a review.
import { compiledObjectSchema, KINDS, parseObject } from '@dynamodb-operator/api';
import type { ParseResult } from '@dynamodb-operator/api';

const COMPILED = { schemaOf: compiledObjectSchema };

export const parseReviewed = (object: unknown): ParseResult => parseObject(object, COMPILED);

/** Compiles every kind's schema now (~15 ms each), so that no admission call waits for it. */
export function compileSchemas(): void {
  for (const info of Object.values(KINDS)) compiledObjectSchema(info);
}
