// OnDemandThroughput and WarmThroughput request shapes, for CreateTable (table and GSI create) and for
// the update steps. On-demand caps are sent only under PAY_PER_REQUEST (AWS refuses them otherwise);
// at create a -1 ("no cap") is left out, since no cap is what a new table has.
import type { OnDemandThroughput, WarmThroughput } from '../model.ts';

export interface AwsOnDemandThroughput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}

export interface AwsWarmThroughput {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
}

type Caps = Pick<OnDemandThroughput, 'maxReadRequestUnits' | 'maxWriteRequestUnits'>;
type Warm = Pick<WarmThroughput, 'readUnitsPerSecond' | 'writeUnitsPerSecond'>;

/** The caps as AWS takes them; `atCreate` drops -1 values (undefined when nothing is left). */
export function renderOnDemandThroughput(caps: Caps | undefined, atCreate = false): AwsOnDemandThroughput | undefined {
  if (!caps) return undefined;
  const keep = (v: number | undefined): v is number => v !== undefined && !(atCreate && v === -1);
  const out: AwsOnDemandThroughput = {};
  if (keep(caps.maxReadRequestUnits)) out.MaxReadRequestUnits = caps.maxReadRequestUnits;
  if (keep(caps.maxWriteRequestUnits)) out.MaxWriteRequestUnits = caps.maxWriteRequestUnits;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function renderWarmThroughput(warm: Warm | undefined): AwsWarmThroughput | undefined {
  if (!warm) return undefined;
  const out: AwsWarmThroughput = {};
  if (warm.readUnitsPerSecond !== undefined) out.ReadUnitsPerSecond = warm.readUnitsPerSecond;
  if (warm.writeUnitsPerSecond !== undefined) out.WriteUnitsPerSecond = warm.writeUnitsPerSecond;
  return Object.keys(out).length > 0 ? out : undefined;
}
