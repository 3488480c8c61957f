# syntax=docker/dockerfile:1
# One image for every role: APP_ROLE=api | worker | all picks what the process runs (docs/operations.md).
#   docker build -t jifen-market .
#   docker run --rm -e APP_ROLE=api -e NODE_ENV=production -e DATABASE_URL=... jifen-market
#   docker run --rm jifen-market node dist/src/scripts/migrate.js      (migrations, one-shot)

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile, then drop the dev dependencies ---------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Install scripts are not needed (@node-rs/argon2, @swc/core and msgpackr-extract ship prebuilt
# binaries as optional packages) and @scarf/scarf's is telemetry: skip them all.
ENV SCARF_ANALYTICS=false \
    npm_config_ignore_scripts=true \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
COPY web/package.json ./web/package.json
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY migrations ./migrations
COPY src ./src
# The web app (resident mall, counter, console): built into web/dist, served by the API at /.
COPY scripts/build-web.cjs ./scripts/build-web.cjs
COPY web ./web
RUN npm run build \
 && npm prune --omit=dev \
 && npm cache clean --force

# ---- runtime: node, the fonts of report PDFs and charts (CJK + Latin), the compiled app -----------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-noto-cjk fonts-dejavu-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/web/dist ./web/dist
# The files belong to root and are read-only for the process, which runs as the image's `node` user.
USER node
EXPOSE 3000
# The api role answers GET /health; the worker role has no HTTP listener, so the health check is
# declared per service in docker-compose.yml rather than here.
CMD ["node", "dist/src/main.js"]
