// An esbuild plugin: in a bundle, Node's built-in modules imported as ES modules are read through
// `process.getBuiltinModule()` instead, which returns the module object itself.
//
// Why: Node builds an ES module facade for a built-in by reading every one of its exports, and that
// wakes the lazy ones. `import ... from 'node:http'` reads http's `WebSocket`, which loads undici, which
// loads http2, zlib, web streams and perf_hooks: ~9 MB of resident memory for code neither deployable
// runs (measured: a bare node that imports node:http as an ES module, 61 MB; through require, 53 MB).
// `node:process`, `node:fs` and `node:util` wake 3-5 MB more the same way. The AWS SDK imports node:http
// as an ES module too (for http:// endpoints), so our own sources avoiding it would not be enough.
//
// The shim exports what the facade would, minus the lazy exports no module imports by name.
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const NAMESPACE = 'node-builtin-object';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** `http`, `node:http`, `fs/promises`, … → the bare built-in name; anything else → undefined. */
export function builtinName(specifier: string): string | undefined {
  const name = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  return BUILTINS.has(name) ? name : undefined;
}

/**
 * Lazy exports (accessors) that some bundled module imports by name; each is read when its shim loads.
 * Any other lazy export is left out, and a new import of one fails the build with "No matching export
 * in node-builtin-object:NAME for import X": add it here if it is cheap to wake.
 */
export const LAZY_EXPORTS_USED: Readonly<Record<string, readonly string[]>> = {
  fs: ['promises', 'ReadStream'],
  crypto: ['getRandomValues'],
  async_hooks: ['AsyncLocalStorage'],
};

/** The shim's source: the module object as the default export, its plain exports and the lazy ones used, by name. */
export function builtinShim(name: string): string {
  const mod = process.getBuiltinModule(`node:${name}`) as Record<string, unknown>;
  const lazyUsed = new Set(LAZY_EXPORTS_USED[name] ?? []);
  const exported = Object.entries(Object.getOwnPropertyDescriptors(mod))
    .filter(([key, d]) => key !== 'default' && IDENTIFIER.test(key) && ('value' in d || lazyUsed.has(key)))
    .map(([key]) => `export const ${key} = m.${key};`);
  return [
    `const m = process.getBuiltinModule(${JSON.stringify(`node:${name}`)});`,
    'export default m;',
    ...exported,
  ].join('\n');
}

export const builtinsAsObjects: Plugin = {
  name: 'builtins-as-objects',
  setup(build) {
    // require() calls stay as they are: CommonJS gets the module object already, with no facade.
    build.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
      if (args.kind !== 'import-statement' && args.kind !== 'dynamic-import') return undefined;
      const name = builtinName(args.path);
      return name ? { path: name, namespace: NAMESPACE } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: builtinShim(args.path),
      loader: 'js',
    }));
  },
};
