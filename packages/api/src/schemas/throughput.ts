// On-demand maximum throughput and warm throughput, in AWS's own shape (CreateTable/UpdateTable's
// OnDemandThroughput and WarmThroughput), for the table and for each GSI of both table kinds. The
// structural schema only types the numbers; which billing mode each needs, the -1 sentinel, the
// minimums and "warm throughput only rises" are admission rules (rules/throughput.ts), so that their
// messages can name the field and the fix.
import * as z from 'zod';

const requestUnits = (which: string, where: string) =>
  z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe(
      `Maximum ${which} request units per second of the ${where} (PAY_PER_REQUEST only): a whole number ≥ 1, or -1 for no limit.`,
    );

export const onDemandThroughputSchema = (where: string) =>
  z
    .strictObject({
      maxReadRequestUnits: requestUnits('read', where),
      maxWriteRequestUnits: requestUnits('write', where),
    })
    .describe(
      `Cap on the on-demand throughput of the ${where} (billingMode PAY_PER_REQUEST only): set maxReadRequestUnits, ` +
        'maxWriteRequestUnits or both; requests above the cap are throttled.',
    );

const unitsPerSecond = (which: string, where: string, minimum: number) =>
  z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      `${which} units per second the ${where} can serve instantly. At least ${minimum} under PAY_PER_REQUEST, at ` +
        `least the ${where}'s provisioned ${which.toLowerCase()} capacity under PROVISIONED; can only be raised.`,
    );

export const warmThroughputSchema = (where: string) =>
  z
    .strictObject({
      readUnitsPerSecond: unitsPerSecond('Read', where, 12000),
      writeUnitsPerSecond: unitsPerSecond('Write', where, 4000),
    })
    .describe(
      `Warm throughput of the ${where}: pre-warm it for a known peak. DynamoDB can raise it but never lower it, ` +
        'so lowering or removing a value here does not lower it in AWS (a lower value is refused).',
    );
