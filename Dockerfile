# syntax=docker/dockerfile:1
# Production image: compiled JavaScript, production dependencies only, non-root, external PostgreSQL.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
# The embedded PostgreSQL (an optional dependency) is for development only.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
COPY migrations ./migrations
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# DATABASE_URL and JWT_SECRET are required here: there is no embedded database in the image.
CMD ["sh", "-c", "if [ -z \"$DATABASE_URL\" ]; then echo 'configuration error: DATABASE_URL must be set in the container' >&2; exit 1; fi; exec node --max-old-space-size=1536 dist/src/main.js"]
