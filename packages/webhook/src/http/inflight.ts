// Admission work in flight, bounded in requests AND in body bytes, so that the webhook's memory has a
// ceiling by construction: a parsed review costs a small multiple of its body, so `maxBytes` (sized from
// the container's memory limit) caps what any number of callers can make us hold at once. A request is
// admitted or refused before its body is read; a refusal costs no memory. Pure bookkeeping, no I/O.

export interface InFlightLimits {
  /** Most admission requests being read or decided at once. */
  maxRequests: number;
  /** Most body bytes reserved at once (Content-Length, or the body limit when the length is not declared). */
  maxBytes: number;
}

export type Acquired = { ok: true; release: () => void } | { ok: false; reason: 'requests' | 'bytes' };

export interface InFlightLimiter {
  /** Reserve one request slot and `bytes` of the byte budget, or say which budget is exhausted. */
  tryAcquire(bytes: number): Acquired;
  current(): { requests: number; bytes: number };
}

export function inFlightLimiter(limits: InFlightLimits): InFlightLimiter {
  let requests = 0;
  let bytes = 0;
  return {
    tryAcquire(size) {
      if (requests + 1 > limits.maxRequests) return { ok: false, reason: 'requests' };
      // One request larger than the whole budget is still served when nothing else is in flight
      // (the body limit, not this budget, decides what size is acceptable at all).
      if (bytes + size > limits.maxBytes && requests > 0) return { ok: false, reason: 'bytes' };
      requests += 1;
      bytes += size;
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          requests -= 1;
          bytes -= size;
        },
      };
    },
    current: () => ({ requests, bytes }),
  };
}
