// The YAML parser behind a module of its own, which access.ts imports only when it reads a kubeconfig.
// (A bundle's chunk for a dynamically imported CommonJS package exports only `default`; a static named
// import here keeps `parse` whatever the bundler does.)
export { parse as parseYaml } from 'yaml';
