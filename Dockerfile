# syntax=docker/dockerfile:1
# Picqer Gateway: build with dev dependencies, run with production dependencies only, as a
# non-root user. `docker build -t picqer-gateway .`; compose.yaml and deploy/k8s/ use it.
# scripts/image-smoke.sh runs the same steps outside a container.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile TypeScript (dev dependencies: typescript, the type packages).
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# patches/: fixes to dependencies, applied by npm ci's postinstall (patch-package; README, "One patched dependency").
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only, from the same lock.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: compiled code, production node_modules, the demo page's static files.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/http/demo ./src/http/demo
COPY package.json ./
# The image's `node` user (uid 1000); nothing in /app is writable by it.
USER node
EXPOSE 4000
# Liveness only: readiness (/readyz) is for load balancers, and a replica that is merely not ready
# (Redis away, draining) must not be restarted.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
# node itself is PID 1 and gets SIGTERM (no npm in between, which would not forward it in time).
CMD ["node", "dist/src/main.js"]
