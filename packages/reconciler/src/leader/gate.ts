// The one check every AWS call passes: are we the leader right now? Each leadership term has its own
// AbortController; losing the lease aborts it, which cancels in-flight AWS requests as well.

export class NotLeaderError extends Error {
  override name = 'NotLeaderError';
}

export class LeaderGate {
  private term: AbortController | undefined;
  private readonly isLeader: () => boolean;

  constructor(isLeader: () => boolean) {
    this.isLeader = isLeader;
  }

  begin(): void {
    this.term = new AbortController();
  }

  end(): void {
    this.term?.abort(new NotLeaderError('leadership lost'));
    this.term = undefined;
  }

  get leading(): boolean {
    return this.term !== undefined && !this.term.signal.aborted && this.isLeader();
  }

  /** The abort signal for an AWS call; throws when we are not (or no longer) the leader. */
  signal(): AbortSignal {
    if (!this.term || this.term.signal.aborted || !this.isLeader()) throw new NotLeaderError('not the leader');
    return this.term.signal;
  }
}
