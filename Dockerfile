# minicrm as an image: the web UI built with Node, then the binary with Rust and the UI inside it,
# copied onto a slim Debian. One image runs every role: `minicrm serve | api | worker | vendor | migrate`.
FROM node:20-bookworm AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked -p minicrm --bin minicrm

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/minicrm /usr/local/bin/minicrm
ENV MINICRM_LOG=info
USER 10001:10001
WORKDIR /var/lib/minicrm
ENTRYPOINT ["minicrm"]
CMD ["serve"]
