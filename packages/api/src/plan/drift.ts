// driftOf(desired, observed) → what differs, in words, for a Kubernetes Event ("point-in-time
// recovery is off in AWS, the spec says on"). Uses the same normalised comparisons as plan(), so
// drift is reported exactly when the plan has something to do (apart from waiting).
import type { TableModel } from '../model.ts';
import type { ObservedTable } from './observed.ts';
import {
  desiredBilling,
  desiredGsiThroughput,
  desiredIndexShape,
  desiredPitr,
  desiredSse,
  desiredStream,
  desiredTableClass,
  desiredTags,
  desiredThroughput,
  desiredTtl,
  fmtThroughput,
  isAwsTag,
  observedIndexShape,
  observedTtl,
  pitrMatches,
  sameThroughput,
  shapeChanges,
  sseMatches,
} from './normal.ts';
import type { PlanOptions } from './plan.ts';
import { scaledThroughput } from '../autoscaling/capacity.ts';
import { replicaDrift } from './replicas.ts';
import { throughputDrift } from './throughput.ts';

const onOff = (b: boolean): string => (b ? 'on' : 'off');

export function driftOf(desired: TableModel, observed: ObservedTable, opts: PlanOptions = {}): string[] {
  const d = desired;
  const o = observed;
  const out: string[] = [];
  const live = new Map(o.globalSecondaryIndexes.filter((g) => g.status !== 'DELETING').map((g) => [g.indexName, g]));
  const wanted = new Set(d.globalSecondaryIndexes.map((g) => g.indexName));
  for (const name of [...live.keys()].sort()) {
    if (!wanted.has(name)) out.push(`GSI ${name} exists in AWS but not in the spec`);
  }
  for (const g of d.globalSecondaryIndexes) {
    const have = live.get(g.indexName);
    if (!have) {
      out.push(`GSI ${g.indexName} is missing in AWS`);
      continue;
    }
    const changes = shapeChanges(observedIndexShape(o, have), desiredIndexShape(d, g));
    if (changes.length > 0) out.push(`GSI ${g.indexName} differs: ${changes.join(', ')} (AWS → spec)`);
    else if (desiredBilling(d) === 'PROVISIONED' && o.billingMode === 'PROVISIONED' && !opts.externalCapacity) {
      const t = scaledThroughput(desiredGsiThroughput(d, g), have.provisionedThroughput, g.autoScaling);
      if (!sameThroughput(t, have.provisionedThroughput))
        out.push(
          `GSI ${g.indexName} capacity is ${fmtThroughput(have.provisionedThroughput)}, the spec says ${fmtThroughput(t)}`,
        );
    }
  }
  const billing = desiredBilling(d);
  if (billing !== o.billingMode) out.push(`billing mode is ${o.billingMode} in AWS, the spec says ${billing}`);
  else {
    const tp = scaledThroughput(desiredThroughput(d), o.provisionedThroughput, d.autoScaling);
    if (tp && !opts.externalCapacity && !sameThroughput(tp, o.provisionedThroughput))
      out.push(`table capacity is ${fmtThroughput(o.provisionedThroughput)}, the spec says ${fmtThroughput(tp)}`);
  }
  out.push(...throughputDrift(d, o));
  out.push(...replicaDrift(d, o));
  if (desiredTableClass(d) !== o.tableClass)
    out.push(`table class is ${o.tableClass} in AWS, the spec says ${desiredTableClass(d)}`);
  if (d.deletionProtectionEnabled !== o.deletionProtectionEnabled)
    out.push(
      `deletion protection is ${onOff(o.deletionProtectionEnabled)} in AWS, the spec says ${onOff(d.deletionProtectionEnabled)}`,
    );
  const st = desiredStream(d);
  const stText = (e: boolean, v?: string): string => (e ? `on (${v ?? '?'})` : 'off');
  if (st.enabled !== o.stream.enabled || (st.enabled && st.viewType !== o.stream.viewType))
    out.push(
      `stream is ${stText(o.stream.enabled, o.stream.viewType)} in AWS, the spec says ${stText(st.enabled, st.viewType)}`,
    );
  const sse = desiredSse(d);
  if (!sseMatches(sse, o)) {
    const want = !sse.enabled ? 'AWS_OWNED' : sse.kmsKeyArn ? `KMS key ${sse.kmsKeyArn}` : 'AWS_MANAGED';
    const have = o.encryption.type === 'AWS_OWNED' ? 'AWS_OWNED' : `KMS key ${o.encryption.kmsKeyArn ?? '(unknown)'}`;
    out.push(`encryption is ${have} in AWS, the spec says ${want}`);
  }
  if (o.ttl) {
    const want = desiredTtl(d);
    const have = observedTtl(o.ttl);
    const txt = (t: { enabled: boolean; attributeName?: string }): string =>
      t.enabled ? `on (${t.attributeName})` : 'off';
    if (want.enabled !== have.enabled || (want.enabled && want.attributeName !== have.attributeName))
      out.push(`TTL is ${txt(have)} in AWS, the spec says ${txt(want)}`);
  }
  if (o.pointInTimeRecovery) {
    const want = desiredPitr(d);
    const have = o.pointInTimeRecovery;
    if (!pitrMatches(want, have)) {
      if (want.enabled !== have.enabled)
        out.push(`point-in-time recovery is ${onOff(have.enabled)} in AWS, the spec says ${onOff(want.enabled)}`);
      else
        out.push(
          `point-in-time recovery period is ${have.recoveryPeriodInDays ?? 35} days in AWS, the spec says ${want.recoveryPeriodInDays} days`,
        );
    }
  }
  if (o.tags) {
    const want = desiredTags(d, opts.extraTags);
    const managed = new Set(opts.managedTagKeys ?? []);
    for (const k of Object.keys(want).sort()) {
      if (!(k in o.tags)) out.push(`tag ${k} is missing in AWS`);
      else if (o.tags[k] !== want[k]) out.push(`tag ${k} is "${o.tags[k]}" in AWS, the spec says "${want[k]}"`);
    }
    for (const k of Object.keys(o.tags).sort()) {
      if (!(k in want) && managed.has(k) && !isAwsTag(k)) out.push(`tag ${k} is in AWS but no longer in the spec`);
    }
  }
  return out;
}
