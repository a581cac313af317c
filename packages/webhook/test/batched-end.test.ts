// Answers of one event-loop turn go out together in its check phase, every one of them even when one
// cannot be written; the answer to the only request in flight goes out at once.
import { expect } from 'chai';
import type { ServerResponse } from 'node:http';
import { endInBatch, queued } from '../src/http/batched-end.ts';

/** Records what the batch does to it; `fails` makes end() throw, as a broken response might. */
function response(fails = false): { res: ServerResponse; ended: string[]; destroyed: unknown[] } {
  const ended: string[] = [];
  const destroyed: unknown[] = [];
  const res = {
    end: (text: string) => {
      if (fails) throw new Error('cannot write');
      ended.push(text);
    },
    destroy: (error: unknown) => destroyed.push(error),
  } as unknown as ServerResponse;
  return { res, ended, destroyed };
}

describe('webhook batched answers', () => {
  it('writes every answer of a turn in its check phase, in order, nothing before', async () => {
    const first = response();
    const second = response();
    endInBatch(first.res, 'one');
    endInBatch(second.res, 'two');
    expect(queued(first.res)).to.equal(true);
    expect(first.ended).to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.ended).to.deep.equal(['one']);
    expect(second.ended).to.deep.equal(['two']);
    expect(queued(first.res)).to.equal(false);
  });

  it('writes the answer to the only request in flight at once, and queues it behind answers already queued', async () => {
    const alone = response();
    endInBatch(alone.res, 'now', true);
    expect(alone.ended).to.deep.equal(['now']);
    expect(queued(alone.res)).to.equal(false);
    const first = response();
    const second = response();
    endInBatch(first.res, 'one');
    endInBatch(second.res, 'two', true);
    expect(second.ended).to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.ended).to.deep.equal(['one']);
    expect(second.ended).to.deep.equal(['two']);
  });

  it('cuts the connection of an answer that cannot be written at once', () => {
    const broken = response(true);
    endInBatch(broken.res, 'lost', true);
    expect(broken.destroyed).to.have.length(1);
  });

  it('cuts the connection of an answer that cannot be written and still writes the others', async () => {
    const broken = response(true);
    const fine = response();
    endInBatch(broken.res, 'lost');
    endInBatch(fine.res, 'kept');
    await new Promise((resolve) => setImmediate(resolve));
    expect(broken.destroyed).to.have.length(1);
    expect(fine.ended).to.deep.equal(['kept']);
  });
});
