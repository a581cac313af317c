// `dynamodb-operator render FILE...` — the AWS requests a valid table would produce.
import { parseArgs } from 'node:util';
import {
  applyDefaults,
  parseObject,
  renderContinuousBackupsInput,
  renderContributorInsightsRequests,
  renderCreateFromInput,
  renderCreateTableInput,
  renderReplicaRegionRequests,
  renderReplicaUpdates,
  renderTimeToLiveInput,
  toTableModel,
  validateObject,
  desiredTargets,
  putPolicyRequest,
  registerRequest,
  isProviderObject,
  isTableObject,
} from '@dynamodb-operator/api';
import type { KnownObject } from '@dynamodb-operator/api';
import { stringify } from 'yaml';
import { YAML_OPTIONS } from '../yaml-options.ts';
import { loadFile } from '../documents.ts';
import type { SourceDocument } from '../documents.ts';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError } from '../io.ts';
import type { Io } from '../io.ts';
import { objectLabel, skipReason } from '../objects.ts';

export const RENDER_HELP = `Usage: dynamodb-operator render [--output yaml|json] FILE...

Prints, for every DynamoDBTable and DynamoDB object in FILE ("-" = stdin), the requests the operator
sends to AWS: CreateTable (or, with spec.restore / spec.import, RestoreTableToPointInTime,
RestoreTableFromBackup or ImportTable instead), then UpdateTimeToLive and UpdateContinuousBackups, then for autoScaling
Application Auto Scaling's RegisterScalableTarget and PutScalingPolicy (one each per scaled dimension),
then UpdateContributorInsights (one per table or GSI with contributor insights enabled), then for
replicas UpdateTable (ReplicaUpdates Create, one per replica, in the order the reconciler sends them). A
resourcePolicy travels in CreateTable's ResourcePolicy (PutResourcePolicy if AWS does not show it).
Defaults are applied as the webhook would; an AWSProvider in the same files contributes its defaultTags.
The ownership tags the reconciler adds (aws-infra-operator.runner.codes/owner, …/owner-uid) are not shown.

Options:
  -o, --output FORMAT   yaml (default) or json
  -h, --help            show this help

Exit status: 0 all rendered, 1 some object invalid (its errors are printed), 2 usage/read/YAML errors.`;

interface Rendered {
  object: string;
  CreateTable?: unknown;
  RestoreTableToPointInTime?: unknown;
  RestoreTableFromBackup?: unknown;
  ImportTable?: unknown;
  UpdateTimeToLive?: unknown;
  UpdateContributorInsights?: unknown[];
  UpdateContinuousBackups: unknown;
  RegisterScalableTarget?: unknown[];
  PutScalingPolicy?: unknown[];
  /** One per replica (global tables): AWS takes one replica action per call. */
  UpdateTable?: unknown[];
  /** Per replica: the calls on its own table in its region (deletion protection, PITR), once ACTIVE. */
  InReplicaRegions?: unknown[];
}

function providerTags(providers: KnownObject[], table: KnownObject): Record<string, string> | undefined {
  if (!isTableObject(table)) return undefined;
  const ref = table.spec.providerRef;
  if (ref.kind === 'ClusterAWSProvider') {
    const cluster = providers.find((p) => p.kind === 'ClusterAWSProvider' && p.metadata.name === ref.name);
    return cluster?.kind === 'ClusterAWSProvider' ? cluster.spec.defaultTags : undefined;
  }
  const namespace = ref.namespace ?? table.metadata.namespace;
  const provider = providers.find(
    (p) =>
      p.kind === 'AWSProvider' && p.metadata.name === ref.name && (p.metadata.namespace ?? namespace) === namespace,
  );
  return provider?.kind === 'AWSProvider' ? provider.spec.defaultTags : undefined;
}

export async function runRender(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: 'string', short: 'o', default: 'yaml' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(RENDER_HELP);
    return EXIT_OK;
  }
  if (values.output !== 'yaml' && values.output !== 'json') {
    throw new UsageError(`--output must be yaml or json, got "${values.output}"`);
  }
  if (positionals.length === 0) throw new UsageError('render needs at least one FILE (or "-" for stdin)');

  const documents: { file: string; doc: SourceDocument }[] = [];
  for (const file of positionals) {
    const loaded = await loadFile(file, io);
    if (!loaded.ok) {
      io.err(loaded.problem);
      return EXIT_USAGE;
    }
    documents.push(...loaded.documents.map((doc) => ({ file: loaded.file, doc })));
  }
  const parsed = documents.map(({ doc }) => parseObject(doc.value));
  const providers = parsed.flatMap((result) => (result.ok && isProviderObject(result.object) ? [result.object] : []));

  let code = EXIT_OK;
  const rendered: Rendered[] = [];
  documents.forEach(({ file, doc }, i) => {
    const label = `${file}: ${objectLabel(doc.value)}`;
    const result = parsed[i];
    if (skipReason(doc.value) || !result) return;
    const validation = validateObject(doc.value);
    if (validation.errors.length > 0 || !result.ok) {
      code = EXIT_INVALID;
      for (const error of validation.errors) io.err(`${label}: error: ${error.path || '(object)'}: ${error.message}`);
      return;
    }
    if (!isTableObject(result.object)) return;
    const cfg = { operatorTags: {}, providerTags: providerTags(providers, result.object) ?? {} };
    const model = toTableModel(applyDefaults(result.object, cfg).object);
    const from = renderCreateFromInput(model);
    const entry: Rendered = {
      object: objectLabel(doc.value),
      ...(from ? { [from.command]: from.input } : { CreateTable: renderCreateTableInput(model) }),
      UpdateContinuousBackups: renderContinuousBackupsInput(model),
    };
    const ttl = renderTimeToLiveInput(model);
    if (ttl) entry.UpdateTimeToLive = ttl;
    const insights = renderContributorInsightsRequests(model);
    if (insights.length > 0) entry.UpdateContributorInsights = insights;
    const scaled = desiredTargets(model);
    if (scaled.length > 0) {
      entry.RegisterScalableTarget = scaled.map(registerRequest);
      entry.PutScalingPolicy = scaled.map(putPolicyRequest);
    }
    const replicas = renderReplicaUpdates(model);
    if (replicas.length > 0) entry.UpdateTable = replicas;
    const regional = renderReplicaRegionRequests(model);
    if (regional.length > 0) entry.InReplicaRegions = regional;
    rendered.push(entry);
  });
  if (values.output === 'json') io.out(JSON.stringify(rendered, null, 2));
  else io.out(rendered.map((entry) => stringify(entry, YAML_OPTIONS)).join('---\n'));
  return code;
}
