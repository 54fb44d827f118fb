# syntax=docker/dockerfile:1

# ---- Build -------------------------------------------------------------------------------------
# No OpenSSL and no C dependency in the server's graph: the slim Rust image is enough.
FROM rust:1.95-slim-bookworm AS builder
WORKDIR /src

# Everything the build reads; .dockerignore keeps target/, .git/, .env and var/ out.
# migrations/ must be here: sqlx::migrate! embeds them at compile time.
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY tests ./tests
COPY migrations ./migrations

# No database is needed: queries are not checked at compile time.
# The cache mounts keep the registry and compiled dependencies between builds (BuildKit);
# the binary is copied out of the cached target directory so that the next stage can see it.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p faireplace-server \
    && cp target/release/faireplace /usr/local/bin/faireplace

# ---- Run ---------------------------------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 faireplace \
    && useradd --system --uid 10001 --gid faireplace --home-dir /nonexistent --no-create-home \
       --shell /usr/sbin/nologin faireplace \
    && mkdir -p /var/lib/faireplace/media \
    && chown -R faireplace:faireplace /var/lib/faireplace

COPY --from=builder /usr/local/bin/faireplace /usr/local/bin/faireplace

USER faireplace:faireplace
ENV HOST=0.0.0.0 PORT=8080 MEDIA_DIR=/var/lib/faireplace/media
# Uploaded files (content-addressed per tenant): mount a volume here to keep them.
VOLUME ["/var/lib/faireplace/media"]
EXPOSE 8080

# No curl in the slim image: bash's /dev/tcp asks GET /api/health and looks for a 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /api/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["/usr/local/bin/faireplace"]
CMD ["serve"]
