# syntax=docker/dockerfile:1
# scfx as a container (docker-compose.yml, docs/operations.md): a static binary, built
# without cgo, on a distroless base that holds CA certificates and a non-root user and
# nothing else — no shell, hence the small healthcheck binary beside it.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first: this layer is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' -o /out/scfx ./cmd/scfx \
 && CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags='-s -w' -o /out/healthcheck ./deploy/healthcheck \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/scfx /usr/local/bin/scfx
COPY --from=build /out/healthcheck /usr/local/bin/healthcheck
# A named volume mounted on /data starts as a copy of this directory, owned by the
# non-root user that scfx runs as.
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/scfx"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data-dir", "/data"]
