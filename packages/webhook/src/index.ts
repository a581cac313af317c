// Public surface of @dynamodb-operator/webhook: start the server in-process (the playground embeds it),
// plus the pure pieces for tests.
export { startWebhook, WEBHOOK_PATHS, DEFAULT_BODY_LIMIT } from './server.ts';
export type { WebhookConfig, WebhookHandle } from './server.ts';
export { staticProviders } from './providers/lookup.ts';
export type { ProviderInfo, ProviderLookup } from './providers/lookup.ts';
export { parseConfig, HELP } from './config.ts';
export type { CliConfig } from './config.ts';
export { decodeAdmissionReview } from './admission/decode.ts';
export { validateRequest } from './admission/validate.ts';
export { mutateRequest, defaultsPatch } from './admission/mutate.ts';
export type { AdmissionRequest, AdmissionResponse, AdmissionReviewOut } from './admission/types.ts';
