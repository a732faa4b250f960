# Java 17 runtime base image, built locally by scripts/build-base-image.sh (no registry is needed or used):
# Debian bookworm (local/debian:bookworm, made with debootstrap) + Debian's headless OpenJDK 17 JRE.
ARG DEBIAN_IMAGE=local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb; \
    java -version
