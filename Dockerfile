# City Playbook: build the `playbook` binary, then run it on a slim Debian image as a
# non-root user, with the playbook and the question-search model baked in and the data
# (index, vectors, store) on a volume.
#
#   docker build -t city-playbook .
#   docker run --rm -p 8080:8080 -v playbook-data:/app/data city-playbook

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
# Manifests first, so dependency builds are cached across source changes. The manifest names
# a [[bench]] target, whose file must exist for cargo to read the manifest at all.
COPY Cargo.toml Cargo.lock ./
COPY benches ./benches
RUN mkdir -p src \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo fetch --locked
COPY src ./src
COPY templates ./templates
COPY static ./static
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin playbook
# The sentence-embedding model for question search (about 90 MB), at the pinned revision,
# each file checked against its sha256: fetched at build time so the container needs no
# network to search by meaning. Its own layer, kept while the model pin is unchanged.
RUN ./target/release/playbook model fetch --model-dir /model

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin playbook \
    && mkdir -p /app/data \
    && chown playbook:playbook /app/data
WORKDIR /app
COPY --from=build /src/target/release/playbook /usr/local/bin/playbook
COPY --from=build /model ./model
COPY playbook ./playbook
USER playbook
ENV PLAYBOOK_ADDR=0.0.0.0:8080 \
    PLAYBOOK_DIR=/app/playbook \
    PLAYBOOK_DATA_DIR=/app/data \
    PLAYBOOK_MODEL_DIR=/app/model
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["playbook", "healthcheck"]
CMD ["playbook", "serve"]
