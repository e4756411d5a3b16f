# syntax=docker/dockerfile:1
# promptgate container image.
#
#   docker build -t promptgate:local .
#   docker run -v promptgate-socket:/run/promptgate promptgate:local
#
# The runner listens on /run/promptgate/promptgate.sock: mount that directory as a
# volume shared with the APISIX container (compose/compose.yaml) or as an emptyDir
# shared with the APISIX container of the same pod (apisix/kubernetes/), and point
# APISIX's ext-plugin.path_for_test at the socket (apisix/config-sidecar.yaml).

# --- build -----------------------------------------------------------------------------
FROM rust:1-bookworm AS builder
# pip fetches the ONNX Runtime library (PyPI wheel) in scripts/setup-onnxruntime.sh.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pip unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN scripts/setup-onnxruntime.sh
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin promptgate \
 && install -D -m 0755 target/release/promptgate /out/bin/promptgate
# The library, the model directories (not the training scripts) and the sample config.
RUN install -D -m 0644 "$(cat .runtime/onnxruntime/path)" /out/lib/libonnxruntime.so.1.31.1 \
 && mkdir -p /out/models \
 && cp -r models/. /out/models/ \
 && rm -rf /out/models/train \
 && install -D -m 0644 apisix/promptgate.toml /out/etc/promptgate.toml

# --- run -------------------------------------------------------------------------------
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 promptgate \
 && useradd --system --uid 10001 --gid promptgate --home-dir /opt/promptgate \
      --shell /usr/sbin/nologin promptgate \
 && install -d -m 0755 -o promptgate -g promptgate /run/promptgate
COPY --from=builder /out/bin/promptgate /usr/local/bin/promptgate
COPY --from=builder /out/lib/ /opt/promptgate/lib/
COPY --from=builder /out/models/ /opt/promptgate/models/
COPY --from=builder /out/etc/promptgate.toml /etc/promptgate/promptgate.toml
# classifier.model_dir ("models/minilm-static-v1") is resolved from the working
# directory; metrics listen on all interfaces so Prometheus can scrape the container.
# ORT_DISABLE_TELEMETRY: ONNX Runtime 1.31 would otherwise try to create
# ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db (HOME is the read-only
# /opt/promptgate here; it carries on without it, so this only skips the attempt).
WORKDIR /opt/promptgate
ENV APISIX_LISTEN_ADDRESS=unix:/run/promptgate/promptgate.sock \
    APISIX_CONF_EXPIRE_TIME=3600 \
    PROMPTGATE_CONFIG=/etc/promptgate/promptgate.toml \
    PROMPTGATE_METRICS_LISTEN=0.0.0.0:9464 \
    ORT_DYLIB_PATH=/opt/promptgate/lib/libonnxruntime.so.1.31.1 \
    ORT_DISABLE_TELEMETRY=1
USER promptgate:promptgate
VOLUME ["/run/promptgate"]
EXPOSE 9464
STOPSIGNAL SIGTERM
# A PrepareConf over the socket must get a token back.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["promptgate", "health"]
ENTRYPOINT ["promptgate"]
CMD ["serve"]
