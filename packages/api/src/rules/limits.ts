// DynamoDB's documented limits, in one place so that rules, messages and tests agree.
// Sources: Amazon DynamoDB API Reference (CreateTable, Projection, Tag, ProvisionedThroughput) and the
// "Service, account, and table quotas" page of the Developer Guide.

/** TableName and IndexName: 3–255 characters of [a-zA-Z0-9_.-]. */
export const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
export const NAME_MIN = 3;
export const NAME_MAX = 255;

/** AttributeName of key attributes, projected attributes and the TTL attribute: 1–255 (we count UTF-8 bytes, the stricter reading). */
export const ATTRIBUTE_NAME_MIN = 1;
export const ATTRIBUTE_NAME_MAX = 255;

/** Default per-table quotas (GSIs are adjustable by AWS support; LSIs are not). */
export const MAX_GSIS = 20;
export const MAX_LSIS = 5;

/** Projection.NonKeyAttributes: 1–20 per index; 100 summed over all indexes (duplicates across indexes count twice). */
export const MAX_NON_KEY_ATTRIBUTES_PER_INDEX = 20;
export const MAX_NON_KEY_ATTRIBUTES_TOTAL = 100;

/** ProvisionedThroughput: Long ≥ 1; DynamoDB rejects values above 10^12 as out of bounds. */
export const CAPACITY_MIN = 1;
export const CAPACITY_MAX = 1_000_000_000_000;
/** Default account quota per table (us-east-1); above it AWS refuses unless the quota was raised. */
export const CAPACITY_DEFAULT_QUOTA = 40_000;

/** PointInTimeRecoverySpecification.RecoveryPeriodInDays. */
export const PITR_DAYS_MIN = 1;
export const PITR_DAYS_MAX = 35;

/** Tags: ≤ 50 per table, key 1–128 and value 0–256 Unicode characters, the common AWS tag alphabet. */
export const MAX_TAGS = 50;
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
export const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** The operator adds its two ownership tags to every table it creates; they count towards the 50. */
export const OWNER_TAG_PREFIX = 'aws-infra-operator.runner.codes/';
export const OPERATOR_TAG_COUNT = 2;

/**
 * WarmThroughput minimums: a new on-demand table or index starts at 12,000 read and 4,000 write units per
 * second and cannot be set below that; under PROVISIONED the minimum is the provisioned capacity (moto
 * 5.2.5 validates exactly this at CreateTable; Terraform's provider checks the on-demand pair).
 */
export const WARM_READ_MIN_ON_DEMAND = 12_000;
export const WARM_WRITE_MIN_ON_DEMAND = 4_000;
/** OnDemandThroughput's sentinel for "no cap" (UpdateTable removes a cap with it). */
export const ON_DEMAND_NO_LIMIT = -1;
