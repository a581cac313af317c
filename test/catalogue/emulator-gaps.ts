// Known gaps of the emulator used as DynamoDB's stand-in (dynalite 4.0.0): things AWS rejects at
// CreateTable that dynalite accepts. Each gap is named, explained in docs/emulator-gaps.md, and tied to
// the catalogue specs that show it; the differential test asserts that exactly these specs hit a gap,
// and that the gap is still there (dynalite still accepts), so a closed gap is noticed and removed.
export interface EmulatorGap {
  id: string;
  /** What AWS does that dynalite does not. */
  aws: string;
  /** Catalogue files (test/catalogue/invalid) that fall into this gap. */
  catalogue: string[];
  /** validateObject errors (`<path> :: <message>`) that this gap explains in generated specs. */
  errors: RegExp;
}

/** A rule of the operator's own that DynamoDB does not have (or that is not part of CreateTable). */
export interface OperatorRule {
  id: string;
  why: string;
  errors: RegExp;
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    id: 'attribute-name-length',
    aws: 'AttributeName is 1–255 bytes; dynalite checks no length',
    errors: / bytes long: DynamoDB allows at most 255 bytes/,
    catalogue: ['attributes-name-too-many-bytes.yaml'],
  },
  {
    id: 'include-needs-non-key-attributes',
    aws: 'ProjectionType INCLUDE without NonKeyAttributes is a ValidationException; dynalite accepts it',
    errors: /projects INCLUDE but lists no nonKeyAttributes/,
    catalogue: ['projection-include-without-attributes.yaml'],
  },
  {
    id: 'non-key-attributes-limits',
    aws: 'NonKeyAttributes: at most 20 per index and 100 over all indexes, no duplicates; dynalite counts nothing',
    errors:
      /nonKeyAttributes :: has too many entries|non-key attributes in total|at most 20 per index|nonKeyAttributes\[\d+\] :: .* twice/,
    catalogue: ['projection-21-per-index.yaml', 'projection-101-in-total.yaml', 'projection-duplicate-attribute.yaml'],
  },
  {
    id: 'gsi-capacity-when-provisioned',
    aws: 'with BillingMode PROVISIONED every GSI needs ProvisionedThroughput; dynalite only checks the table',
    errors: /capacity on every global secondary index/,
    catalogue: ['capacity-provisioned-gsi-without-capacity.yaml', 'table-kind-provisioned-gsi-without-capacity.yaml'],
  },
  {
    id: 'stream-specification-ignored',
    aws: 'StreamViewType must be one of four values when StreamEnabled; dynalite drops StreamSpecification',
    errors: /streamViewType :: /,
    catalogue: ['streams-view-type-invalid.yaml', 'table-kind-stream-view-type-invalid.yaml'],
  },
  {
    id: 'sse-specification-ignored',
    aws: 'SSESpecification is validated (SSEType enum, KMS key); dynalite drops SSESpecification',
    errors: /^spec\.encryption\.(type|kmsKeyArn|enabled) :: (?!.*only used with)/,
    catalogue: [
      'encryption-customer-managed-without-key.yaml',
      'encryption-disabled-with-managed-type.yaml',
      'encryption-type-invalid.yaml',
      'encryption-key-malformed.yaml',
      'encryption-key-arn-bad-account.yaml',
    ],
  },
  {
    id: 'tags-ignored',
    aws: 'Tags: key 1–128, value ≤ 256 characters, AWS tag alphabet, no aws: prefix; dynalite drops Tags at CreateTable',
    errors:
      /^spec\.tags\S* :: tag (key "[^"]*" (has \d+ characters|contains characters|starts with "aws:")|"[^"]*" has a value)/,
    catalogue: [
      'tags-key-too-long.yaml',
      'tags-value-too-long.yaml',
      'tags-key-characters.yaml',
      'tags-value-characters.yaml',
      'tags-aws-prefix.yaml',
    ],
  },
  {
    id: 'table-class-ignored',
    aws: 'TableClass is STANDARD or STANDARD_INFREQUENT_ACCESS; dynalite drops TableClass',
    errors: /^spec\.tableClass :: /,
    catalogue: ['table-class-invalid.yaml'],
  },
  {
    id: 'fractional-capacity',
    aws: 'ReadCapacityUnits/WriteCapacityUnits are Longs; a fraction is not a valid value',
    errors: /CapacityUnits :: (?:.*whole number|expected int|.*integer)/i,
    catalogue: ['capacity-fraction.yaml'],
  },
  {
    id: 'duplicate-attribute-definitions',
    aws: 'an AttributeName defined twice is a ValidationException ("Attribute Name is duplicated: x"); dynalite only notices when no index exists (count mismatch)',
    errors: /is defined twice/,
    catalogue: [],
  },
  {
    id: 'throughput-limits-ignored',
    aws: 'OnDemandThroughput (PAY_PER_REQUEST only, each cap ≥ 1 or -1) and WarmThroughput (≥ 12000/4000 on demand, ≥ the capacity under PROVISIONED) are validated; dynalite drops both',
    errors: /^spec\.(globalSecondaryIndexes\[\d+\]\.)?(onDemandThroughput|warmThroughput)\S* :: /,
    catalogue: [
      'throughput-on-demand-provisioned.yaml',
      'throughput-on-demand-zero.yaml',
      'throughput-warm-below-on-demand-minimum.yaml',
      'table-kind-warm-below-capacity.yaml',
    ],
  },
];

export const OPERATOR_RULES: readonly OperatorRule[] = [
  { id: 'deletion-policy', why: "deletionPolicy is the operator's field", errors: /^spec\.deletionPolicy :: / },
  { id: 'provider-ref', why: "providerRef is the operator's field", errors: /^spec\.providerRef/ },
  {
    id: 'management-annotations',
    why: 'paused and management-policy are annotations for the operator; nothing of them reaches AWS',
    errors: /^metadata\.annotations\[aws-infra-operator\.runner\.codes\//,
  },
  {
    id: 'ownership-tags',
    why: 'the operator adds 2 ownership tags and reserves their prefix',
    errors: /ownership tags/,
  },
  {
    id: 'key-attribute-projected',
    why: 'a key attribute in nonKeyAttributes is redundant; the operator refuses it',
    errors: /which every index projects anyway/,
  },
  {
    id: 'lsi-table-sort-key',
    why: "an LSI sorted by the table's own RANGE key adds nothing; refused as a likely mistake",
    errors: /sorts by the table's own RANGE key/,
  },
  {
    id: 'kms-key-form',
    why: 'the operator takes a KMS key only with CUSTOMER_MANAGED (AWS would use it for any KMS type)',
    errors: /only used with encryption type CUSTOMER_MANAGED/,
  },
  {
    id: 'auto-scaling',
    why: 'autoScaling is applied through Application Auto Scaling after CreateTable, not part of it',
    errors: /^spec\.(globalSecondaryIndexes\[\d+\]\.)?autoScaling|auto scaling range/,
  },
  {
    id: 'not-create-table',
    why: 'PITR and TTL are separate calls (UpdateContinuousBackups, UpdateTimeToLive)',
    errors: /^spec\.(pointInTimeRecovery|timeToLive)/,
  },
  {
    id: 'create-from',
    why: 'restore and import are RestoreTableToPointInTime / RestoreTableFromBackup / ImportTable rules, not CreateTable ones',
    errors: /^spec\.(restore|import)|ImportTable cannot create local secondary indexes/,
  },
];

/** The gap or operator rule that explains why CreateTable accepts a spec despite this error, if any. */
export function explain(error: { path: string; message: string }): string | undefined {
  const text = `${error.path} :: ${error.message}`;
  return (
    OPERATOR_RULES.find((rule) => rule.errors.test(text))?.id ?? EMULATOR_GAPS.find((gap) => gap.errors.test(text))?.id
  );
}

export function gapFor(file: string): EmulatorGap | undefined {
  return EMULATOR_GAPS.find((gap) => gap.catalogue.includes(file));
}
