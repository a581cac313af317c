// The reconciler's logger: the one both binaries use (@dynamodb-operator/runtime: one redact list, errors
// under `err`), its lines marked component=reconciler.
import { createLogger } from '@dynamodb-operator/runtime';
import type { DestinationStream, Logger } from '@dynamodb-operator/runtime';

export type { Logger };

export function makeLogger(level: string, destination?: DestinationStream): Logger {
  return createLogger({ component: 'reconciler', level }, destination);
}
