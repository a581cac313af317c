# One Dockerfile, two images (one per deployable), sharing every layer but the entrypoint:
#   docker build --target webhook    -t dynamodb-operator-webhook:0.1.0 .
#   docker build --target reconciler -t dynamodb-operator-reconciler:0.1.0 .
# Development runs the TypeScript directly (Node's type stripping); the images run JavaScript bundled
# by `npm run build` (hack/build.ts): no type stripper in memory (~17 MB less per process), no sources.
# The webhook's npm dependencies stay out of its bundle and come from a production-only install; the
# reconciler bundles its own (the AWS SDK tree-shaken) and loads only @kubernetes/client-node from there,
# for exec-plugin kubeconfigs.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

# --- production dependencies only, from the lockfile ---------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/api/package.json packages/api/
COPY packages/kube/package.json packages/kube/
COPY packages/runtime/package.json packages/runtime/
COPY packages/cli/package.json packages/cli/
COPY packages/webhook/package.json packages/webhook/
COPY packages/reconciler/package.json packages/reconciler/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
    && npm cache clean --force

# --- the bundle: TypeScript sources → dist/ (the build needs the dev dependencies: esbuild) --------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/api/package.json packages/api/
COPY packages/kube/package.json packages/kube/
COPY packages/runtime/package.json packages/runtime/
COPY packages/cli/package.json packages/cli/
COPY packages/webhook/package.json packages/webhook/
COPY packages/reconciler/package.json packages/reconciler/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY hack/build.ts hack/build-builtins.ts hack/
COPY packages/api/src packages/api/src
COPY packages/kube/src packages/kube/src
COPY packages/runtime/src packages/runtime/src
COPY packages/webhook/src packages/webhook/src
COPY packages/reconciler/src packages/reconciler/src
RUN node hack/build.ts

# --- shared runtime: distroless (no shell, no package manager), non-root ------------------------
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
# package.json says "type": "module": the bundle is ES modules
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
USER 65532:65532

# --- the two deployables ------------------------------------------------------------------------
FROM runtime AS reconciler
EXPOSE 8080 8081
ENTRYPOINT ["/nodejs/bin/node", "dist/reconciler/main.js"]

FROM runtime AS webhook
EXPOSE 9443 8080
ENTRYPOINT ["/nodejs/bin/node", "dist/webhook/main.js"]
