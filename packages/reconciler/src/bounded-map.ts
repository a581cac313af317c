// Per-object memories of the reconciler (ownership confirmed, tables created here, converger state) are
// maps bounded by count: an object's entry goes to the end on every write, and past `max` the oldest goes.

/** Sets `key` as the newest entry of `map`, then drops the oldest while the map holds more than `max`. */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}
