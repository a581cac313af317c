import { expect } from 'chai';
import { PollDelays, pollDelayMs } from '../src/controller/poll-delays.ts';

describe('poll delays during a table transition', () => {
  it('starts short and doubles up to the interval', () => {
    const polls = new PollDelays(100, 2_000);
    const seen = Array.from({ length: 7 }, () => polls.next('ns/a', 'creating'));
    expect(seen).to.deep.equal([100, 200, 400, 800, 1_600, 2_000, 2_000]);
  });

  it('restarts from the first delay when the phase changes or the object settles', () => {
    const polls = new PollDelays(100, 2_000);
    polls.next('ns/a', 'creating');
    polls.next('ns/a', 'creating');
    expect(polls.next('ns/a', 'converging')).to.equal(100);
    expect(polls.next('ns/a', 'converging')).to.equal(200);
    polls.forget('ns/a');
    expect(polls.size).to.equal(0);
    expect(polls.next('ns/a', 'converging')).to.equal(100);
  });

  it('keeps objects apart', () => {
    const polls = new PollDelays(100, 2_000);
    polls.next('ns/a', 'creating');
    polls.next('ns/a', 'creating');
    expect(polls.next('ns/b', 'creating')).to.equal(100);
    expect(polls.size).to.equal(2);
  });

  it('never waits longer than the interval, even with a first delay above it', () => {
    expect(pollDelayMs(5_000, 2_000, 0)).to.equal(2_000);
    expect(pollDelayMs(100, 2_000, 1_000)).to.equal(2_000);
  });
});
