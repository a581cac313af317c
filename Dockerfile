# syntax=docker/dockerfile:1.7
# One Dockerfile, two images (one per deployable), sharing every layer but the entrypoint:
#   docker build --target webhook    -t dynamodb-operator-webhook:0.1.0 .
#   docker build --target reconciler -t dynamodb-operator-reconciler:0.1.0 .
# The app is TypeScript run directly by Node.js 24 (type stripping, no build step). Node refuses to
# strip types under node_modules, so the workspace packages stay real directories under /app/packages
# (node_modules/@dynamodb-operator/* are symlinks to them, resolved to their real paths by Node).

ARG NODE_IMAGE=node:24.21.0-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

# --- production dependencies only, from the lockfile ---------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/api/package.json packages/api/
COPY packages/cli/package.json packages/cli/
COPY packages/webhook/package.json packages/webhook/
COPY packages/reconciler/package.json packages/reconciler/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
    && npm cache clean --force

# --- application sources --------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS app
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY packages/api/package.json packages/api/
COPY packages/api/src packages/api/src
COPY packages/webhook/package.json packages/webhook/
COPY packages/webhook/src packages/webhook/src
COPY packages/reconciler/package.json packages/reconciler/
COPY packages/reconciler/src packages/reconciler/src

# --- shared runtime: distroless (no shell, no package manager), non-root ------------------------
FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=app /app /app
ENV NODE_ENV=production
USER 65532:65532

# --- the two deployables ------------------------------------------------------------------------
FROM runtime AS reconciler
EXPOSE 8080 8081
ENTRYPOINT ["/nodejs/bin/node", "packages/reconciler/src/main.ts"]

FROM runtime AS webhook
EXPOSE 9443 8080
ENTRYPOINT ["/nodejs/bin/node", "packages/webhook/src/main.ts"]
