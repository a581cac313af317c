import { expect } from 'chai';
import { TerminalMemo } from '../src/controller/terminal-memo.ts';
import type { KubeObject } from '@dynamodb-operator/kube';

const table = (generation: number): KubeObject => ({ metadata: { name: 't', namespace: 'ns', generation } });
const provider = (resourceVersion: string): KubeObject => ({
  metadata: { name: 'p', namespace: 'ns', resourceVersion },
});

describe('TerminalMemo', () => {
  it('blocks the same object and provider, and lets a spec or provider change through', () => {
    const memo = new TerminalMemo();
    const failed = TerminalMemo.fingerprint(table(3), provider('100'));
    memo.remember('ns/t', failed);
    expect(memo.blocks('ns/t', TerminalMemo.fingerprint(table(3), provider('100')))).to.equal(true);
    expect(memo.blocks('ns/other', failed)).to.equal(false);
    expect(memo.blocks('ns/t', TerminalMemo.fingerprint(table(3), provider('101')))).to.equal(false);
    // the stale entry is gone: even the old fingerprint no longer blocks
    expect(memo.blocks('ns/t', failed)).to.equal(false);
  });

  it('a new generation unblocks; forget clears', () => {
    const memo = new TerminalMemo();
    memo.remember('ns/t', TerminalMemo.fingerprint(table(1), undefined));
    expect(memo.blocks('ns/t', TerminalMemo.fingerprint(table(2), undefined))).to.equal(false);
    memo.remember('ns/t', TerminalMemo.fingerprint(table(2), undefined));
    memo.forget('ns/t');
    expect(memo.blocks('ns/t', TerminalMemo.fingerprint(table(2), undefined))).to.equal(false);
  });
});
