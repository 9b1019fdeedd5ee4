# The watcher image: one pre-bundled ESM file (npm run build → dist/watcher/) on distroless Node 22.
# No shell, no package manager, runs as the distroless "nonroot" user (65532), needs no writable
# filesystem (the Deployment mounts / read-only and an emptyDir at /tmp).
#
#   npm ci && npm run build
#   docker build -f infra/watcher.Dockerfile -t <registry>/argosy-watcher:<version> dist/watcher
#
# The build context is dist/watcher only, so neither sources nor node_modules enter the image.
FROM gcr.io/distroless/nodejs22-debian12:nonroot

WORKDIR /app
COPY --chown=65532:65532 . /app/

USER 65532:65532
ENV NODE_ENV=production
# /healthz and /metrics (ARGOSY_WATCHER_LISTEN in the ConfigMap).
EXPOSE 9090

# The distroless entrypoint is node itself.
CMD ["--enable-source-maps", "/app/main.mjs"]
