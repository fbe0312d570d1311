# syntax=docker/dockerfile:1
# usage-graph: `docker build -t usage-graph .`, then `docker run -p 4000:4000 usage-graph` (simulated vendors) or with
# the vendors' variables (README, "Configuration"). Node 22 LTS, compiled JavaScript, production dependencies only.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 4000 9464
# /ready, not /health: a draining or starting gateway is alive but must not get traffic.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (README, "Shutdown"); give the container at least SHUTDOWN_GRACE_MS to stop (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# As `npm run serve`, without npm in between: node receives the signals itself.
CMD ["node", "--max-old-space-size=160", "dist/server.js"]
