// The SDK assembles a client's resolved config by a dozen `Object.assign(config, {...})` steps onto one
// object. V8 turns an object that grows by that many keyed stores into a dictionary ("slow properties"),
// and every call then copies that config with `{ ...config }` three to four times (serialization,
// deserialization, endpoint resolution, the SigV4 signer): 7.2 µs a copy of the ~50-key dictionary,
// 1.3 µs of the same object with fast properties (node 24 / V8 13.6, with or without the optimising
// compilers). V8 gives an object fast properties again once it is a prototype that a property load has
// looked through (JSObject::OptimizeAsPrototype); the object itself, its keys and values, stay as they
// are. Should a later V8 stop doing that, this is a no-op: test/fast-config.test.ts says which.

/** A property lookup that misses on `probe` and so walks into its prototype; 20 calls allocate feedback. */
const PROBE_LOADS = 20;
const lookThrough = (probe: Record<string, unknown>): unknown => probe.__ddbopNoSuchKey;

/** Give `config` fast properties in place (same object, same keys and values); call after the client is set up. */
export function useFastConfig(client: { config: object }): void {
  const Probe = function Probe(): void {} as unknown as new () => Record<string, unknown>;
  Probe.prototype = client.config;
  const probe = new Probe();
  for (let i = 0; i < PROBE_LOADS; i++) lookThrough(probe);
}
