import { expect } from 'chai';
import type { PlanStep } from '@dynamodb-operator/api';
import { chooseStep, pruneSent, stepKey } from '../src/update/index.ts';
import type { SentSteps } from '../src/update/index.ts';

const P = { limit: 2, backoffMs: 1_000, maxMs: 8_000 };
const now = new Date('2026-01-01T00:00:00Z');
const t = now.getTime();
const cls: PlanStep = { kind: 'updateTableSettings', tableClass: 'STANDARD_INFREQUENT_ACCESS' };
const tags: PlanStep = { kind: 'tagResource', tags: { a: '1' } };
const ttl: PlanStep = {
  kind: 'updateTtl',
  enabled: true,
  attributeName: 'x',
  blockedUntil: '2026-01-01T00:30:00.000Z',
};

describe('update chooseStep (which step runs now)', () => {
  it('in sync on an empty plan; wait comes first when present', () => {
    expect(chooseStep([], now, new Map(), P)).to.deep.equal({ kind: 'inSync' });
    const wait: PlanStep = { kind: 'wait', reasons: ['table is UPDATING'] };
    expect(chooseStep([wait, cls], now, new Map(), P)).to.deep.equal({ kind: 'wait', step: wait });
  });

  it('runs a step until it was sent `limit` times, then holds it with doubling backoff, capped', () => {
    const sent: SentSteps = new Map([[stepKey(cls), { count: 1, at: t }]]);
    expect(chooseStep([cls], now, sent, P)).to.include({ kind: 'execute', step: cls });
    sent.set(stepKey(cls), { count: 2, at: t });
    expect(chooseStep([cls], now, sent, P)).to.deep.include({ kind: 'idle', until: t + 1_000, held: [cls] });
    expect(chooseStep([cls], new Date(t + 1_000), sent, P)).to.include({ kind: 'execute' });
    sent.set(stepKey(cls), { count: 3, at: t });
    expect(chooseStep([cls], now, sent, P)).to.include({ until: t + 2_000 });
    sent.set(stepKey(cls), { count: 10, at: t });
    expect(chooseStep([cls], now, sent, P)).to.include({ until: t + 8_000 });
  });

  it('passes over held and hour-blocked steps to the next one, and reports the earliest retry', () => {
    const sent: SentSteps = new Map([[stepKey(cls), { count: 2, at: t }]]);
    expect(chooseStep([cls, ttl, tags], now, sent, P)).to.include({ kind: 'execute', step: tags });
    expect(chooseStep([cls, ttl], now, sent, P)).to.deep.equal({
      kind: 'idle',
      until: t + 1_000,
      blocked: [ttl],
      held: [cls],
    });
  });

  it('forgets steps that left the plan (they took effect)', () => {
    const sent: SentSteps = new Map([
      [stepKey(cls), { count: 2, at: t }],
      [stepKey(tags), { count: 1, at: t }],
    ]);
    pruneSent(sent, [tags]);
    expect([...sent.keys()]).to.deep.equal([stepKey(tags)]);
  });
});
