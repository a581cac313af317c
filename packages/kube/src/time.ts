// The two timestamp formats the API server takes: metav1.Time (status, Events) and metav1.MicroTime
// (Lease renew/acquire times, which need sub-second precision to compare renewals).

/** Seconds-precision RFC 3339, as metav1.Time serialises. */
export function k8sNow(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
