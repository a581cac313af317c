// `npm run build`: the two deployables as plain JavaScript under dist/, which is what the images run.
// Development and tests run the TypeScript directly; production should not: Node's type stripper
// (amaro, a WebAssembly module) alone costs ~17 MB of resident memory per process, and a bundle
// starts faster. Our workspace packages are bundled in. The webhook's npm dependencies stay external
// and come from node_modules (the image's production install). The reconciler's are bundled too
// (see RECONCILER_EXTERNAL): loading the AWS SDK from node_modules brings every command of every client
// (the CommonJS builds are one module per client), a bundle built from their ES modules keeps only the
// commands we send, and one file loads with far less resident memory than hundreds; their licence
// comments are kept (legalComments). Lazy imports (e.g. @kubernetes/client-node for exec-plugin
// kubeconfigs) stay lazy: code splitting.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { builtinsAsObjects } from './build-builtins.ts';

export const repoRoot = join(import.meta.dirname, '..');
export const distDir = join(repoRoot, 'dist');
/** Entry scripts of the built deployables, relative to the repository root (the images' ENTRYPOINTs). */
export const BUILT_ENTRYPOINTS = { webhook: 'dist/webhook/main.js', reconciler: 'dist/reconciler/main.js' } as const;
const DEPLOYABLES = ['webhook', 'reconciler'] as const;
const WORKSPACE_SCOPE = '@dynamodb-operator/';

/**
 * npm dependencies the reconciler bundle still imports from node_modules at run time: only lazy ones,
 * loaded for some configurations (exec-plugin kubeconfigs), whose size would otherwise sit in the bundle.
 */
export const RECONCILER_EXTERNAL = ['@kubernetes/client-node'] as const;

/** Every npm dependency of the packages that end up in a bundle: these are imported from node_modules. */
function externalDependencies(deployable: (typeof DEPLOYABLES)[number]): string[] {
  if (deployable === 'reconciler') return [...RECONCILER_EXTERNAL];
  const names = new Set<string>();
  for (const pkg of ['api', 'kube', 'runtime', deployable]) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'packages', pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (!name.startsWith(WORKSPACE_SCOPE)) names.add(name);
    }
  }
  return [...names].sort();
}

export interface BuildResult {
  files: { path: string; bytes: number }[];
  ms: number;
}

/**
 * Builds into a scratch directory, then renames each file into `outdir` (chunks first, entry scripts
 * last): a process starting from dist/ while a test run rebuilds it sees the old or the new build,
 * never half of one. `clean` also removes files of earlier builds (their chunk names differ).
 */
export async function buildDeployables(outdir = distDir, opts: { clean?: boolean } = {}): Promise<BuildResult> {
  const started = performance.now();
  const scratch = mkdtempSync(`${outdir}.building-`);
  try {
    const files = await buildInto(scratch);
    const isEntry = (path: string) => (path.endsWith('/main.js') || path.endsWith('/main.js.map') ? 1 : 0);
    const relative = readdirSync(scratch, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name).slice(scratch.length + 1))
      .sort((a, b) => isEntry(a) - isEntry(b));
    if (opts.clean) rmSync(outdir, { recursive: true, force: true });
    for (const file of relative) {
      mkdirSync(dirname(join(outdir, file)), { recursive: true });
      renameSync(join(scratch, file), join(outdir, file));
    }
    return {
      files: files.map((f) => ({ ...f, path: join(outdir, f.path.slice(scratch.length + 1)) })),
      ms: performance.now() - started,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function buildInto(outdir: string): Promise<BuildResult['files']> {
  const files: BuildResult['files'] = [];
  // One build per deployable (their external lists differ); chunks are content-hashed, so a chunk
  // both builds emit is the same file.
  for (const name of DEPLOYABLES) {
    const bundleDeps = name === 'reconciler';
    const result = await build({
      absWorkingDir: repoRoot,
      entryPoints: {
        [`${name}/main`]: `packages/${name}/src/main.ts`,
        // the chart's CRD upgrade Job runs it from the reconciler image
        ...(name === 'reconciler' ? { 'crd-apply/main': 'packages/reconciler/src/crd-apply/main.ts' } : {}),
      },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node24',
      external: externalDependencies(name),
      // ES module builds first: esbuild drops what is not imported only from those (the AWS SDK's
      // CommonJS build is one module holding every command of a client).
      ...(bundleDeps ? { mainFields: ['module', 'main'] } : {}),
      // CommonJS code in an ES module bundle still calls require() for Node's built-ins.
      ...(bundleDeps
        ? {
            banner: {
              js: "import { createRequire as __ddbopCreateRequire } from 'node:module'; const require = __ddbopCreateRequire(import.meta.url);",
            },
          }
        : {}),
      // Maps without the sources' text: they name file and line, which is what a stack trace needs
      // (with the dependencies inside, the text would add ~15 MB to the image).
      ...(bundleDeps ? { sourcesContent: false } : {}),
      // Whitespace and syntax only (names kept, so class names in logs and errors stay readable): the
      // source text of every module stays in memory for the life of the process.
      ...(bundleDeps ? { minifyWhitespace: true, minifySyntax: true } : {}),
      legalComments: 'eof',
      // Stack traces in logs point into the bundle; the maps let `node --enable-source-maps` map them back.
      sourcemap: 'linked',
      plugins: [builtinsAsObjects],
      metafile: true,
      logLevel: 'warning',
    });
    for (const [path, output] of Object.entries(result.metafile.outputs)) {
      if (path.endsWith('.js')) files.push({ path: join(repoRoot, path), bytes: output.bytes });
    }
  }
  return files;
}

if (import.meta.main) {
  const { files, ms } = await buildDeployables(distDir, { clean: true });
  for (const file of files) process.stdout.write(`${file.path.slice(repoRoot.length + 1)}\t${file.bytes} bytes\n`);
  process.stdout.write(`built ${files.length} files in ${ms.toFixed(0)} ms\n`);
}
