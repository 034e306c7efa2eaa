# Sigil's servers and client in one small image; docker-compose.yml runs each server from it.
#
#   docker build -t sigil .
#   docker run --rm sigil --help
#
# Build stage: the official Swift image, the release build the README's Install section gives: the
# Swift runtime linked statically (the runtime stage needs only SQLite and CA certificates),
# position-independent, relative relocations packed by lld (the toolchain ships it).
ARG SWIFT_IMAGE=swift:6.3-noble
FROM ${SWIFT_IMAGE} AS build
ARG RELEASE_FLAGS="-c release --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs"
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve and fetch dependencies in their own layer, so editing sources does not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
RUN swift build $RELEASE_FLAGS --product sigil-server \
 && swift build $RELEASE_FLAGS --product sigil \
 && bin="$(swift build $RELEASE_FLAGS --show-bin-path)" \
 && mkdir /out \
 && cp "$bin/sigil-server" "$bin/sigil" /out/ \
 && cp -R "$bin/Sigil_TransparencyLog.resources" /out/

# Runtime stage: no compiler, no sources, a non-root user owning only the data folder.
FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/sigil --shell /usr/sbin/nologin sigil \
 && mkdir -p /var/lib/sigil \
 && chown sigil:sigil /var/lib/sigil \
 && chmod 0700 /var/lib/sigil
COPY --from=build /out/sigil-server /out/sigil /usr/local/bin/
# The log explorer's HTML, CSS and JavaScript: the log server looks for them beside its executable.
COPY --from=build /out/Sigil_TransparencyLog.resources /usr/local/bin/Sigil_TransparencyLog.resources
COPY ca /usr/share/sigil/ca
COPY tuf/roles.json /usr/share/sigil/tuf/roles.json
COPY deploy /etc/sigil
COPY examples/ci-job.sh /usr/share/sigil/examples/ci-job.sh
USER sigil
WORKDIR /var/lib/sigil
VOLUME /var/lib/sigil
EXPOSE 3000 5555 5556
ENTRYPOINT ["sigil-server"]
CMD ["--help"]
