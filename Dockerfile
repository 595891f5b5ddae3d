# logpipe in one image; docker-compose.yml runs one component per container from it.
# Pinned to a Node 20 tag on Debian 12, the runtime logpipe supports; both stages share it.
ARG NODE_IMAGE=node:20-bookworm-slim

# Build stage: dev dependencies (TypeScript) compile dist/, then are pruned away.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The web UI's sources and the script that bundles them into dist/ui (served at /).
COPY ui ./ui
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

# Runtime stage: only package.json (read for --version), production modules and dist/.
FROM ${NODE_IMAGE}
WORKDIR /app
# Every command's data dir is the volume mount point, so `query` run with `docker compose exec`
# finds the store's server.json without flags.
ENV LOGPIPE_DATA_DIR=/var/lib/logpipe
# Mount points owned by `node`: an empty named volume takes the ownership of the directory it
# is mounted on, so the unprivileged user can write the store, checkpoints and generated logs.
RUN mkdir -p /var/lib/logpipe /logs && chown node:node /var/lib/logpipe /logs
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# The executable itself, as `logpipe` runs anywhere: its launcher line starts node with the heap
# flag logpipe ships with (scripts/build-cli.mjs).
ENTRYPOINT ["/app/dist/bundle/cli/main.js"]
CMD ["--help"]
