# syntax=docker/dockerfile:1
# dm-purge image: build with dev dependencies, run with production dependencies only.
# .ci/run checks the same steps without a Docker engine (a clean `npm ci --omit=dev` copy of dist/
# starts and serves /readyz).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production
# tini forwards SIGTERM to node and reaps zombies; node as PID 1 would ignore SIGINT/SIGTERM defaults.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY manifest.yml purge.config.example.yml ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node directly, not `npm start`, so signals reach the app.
CMD ["node", "dist/main.js"]
