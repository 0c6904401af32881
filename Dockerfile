# syntax=docker/dockerfile:1.7
# The recaption worker image (JVM: DJL's PyTorch engine has no native-image support). Needs BuildKit.
#
#   CPU (small deployments, CI):  docker build -t recaption:cpu .
#   GPU (CUDA 12.8 libtorch):     docker build --build-arg TORCH_FLAVOR=cu128 -t recaption:cu128 .
#   from a host build instead of building inside the image:
#                                 mvn -B package -DskipTests
#                                 docker build --build-arg APP_SOURCE=prebuilt -t recaption:cpu .
#
# The model is NOT in the image: mount a diffusers snapshot folder at /model (RECAPTION_MODEL_PATH), or let
# the Kubernetes init container sync it from S3 (k8s/base/deployment.yaml, README "Deployment"). Neither is a
# captioner: set RECAPTION_CAPTIONER_PATH to a mounted BLIP snapshot folder to caption photos sent without a
# caption (unset, such requests fail CAPTION_REQUIRED).
# libtorch and DJL's JNI bridge are laid out at build time under /opt/libtorch and selected through
# PYTORCH_LIBRARY_PATH / PYTORCH_VERSION / PYTORCH_FLAVOR, so nothing is extracted or downloaded at start.

# cpu | cu128: which libtorch the image carries (and the value of PYTORCH_FLAVOR)
ARG TORCH_FLAVOR=cpu
# maven | prebuilt: build the app in the image, or copy target/quarkus-app from the build context
ARG APP_SOURCE=maven
# must equal <pytorch.version> in pom.xml (DeploymentManifestsTest checks it)
ARG PYTORCH_VERSION=2.7.1
ARG JAVA_IMAGE=eclipse-temurin:17-jre-jammy
ARG BUILD_IMAGE=maven:3.9.9-eclipse-temurin-17

# ---- the application, Quarkus fast-jar layout: quarkus-run.jar + lib/ app/ quarkus/ ----
FROM ${BUILD_IMAGE} AS app-maven
WORKDIR /build
COPY pom.xml ./
COPY src/main src/main
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests package && mv target/quarkus-app /quarkus-app

FROM scratch AS app-prebuilt
COPY target/quarkus-app /quarkus-app

FROM app-${APP_SOURCE} AS app

# ---- libtorch for DJL, one stage per flavor; only the selected one is built ----
FROM ${BUILD_IMAGE} AS libtorch-tools
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends unzip \
 && rm -rf /var/lib/apt/lists/*
COPY --chmod=755 src/main/docker/libtorch.sh /usr/local/bin/libtorch.sh

# CPU: the natives the pom already bundles (pytorch-native-cpu), unpacked once here instead of into
# DJL's cache directory at every container start.
FROM libtorch-tools AS libtorch-cpu
ARG PYTORCH_VERSION
COPY --from=app /quarkus-app/lib/main /tmp/app-lib
RUN libtorch.sh cpu-natives /tmp/app-lib "${PYTORCH_VERSION}" /opt/libtorch/lib \
 && libtorch.sh jni /tmp/app-lib "${PYTORCH_VERSION}" cpu /opt/libtorch/lib \
 && rm -rf /tmp/app-lib

# CUDA 12.8: the official libtorch "shared-with-deps" zip (it carries cudart, cuBLAS, cuDNN, NCCL; the
# node supplies only the driver). Override LIBTORCH_URL for a mirror. LIBTORCH_SHA256 is required: the build
# refuses a zip it cannot check (the download is 2.5 GB of native code that runs with the worker's rights).
FROM libtorch-tools AS libtorch-cu128
ARG PYTORCH_VERSION
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-${PYTORCH_VERSION}%2Bcu128.zip
ARG LIBTORCH_SHA256
RUN { test -n "${LIBTORCH_SHA256}" || { echo "LIBTORCH_SHA256 is required: the SHA-256 of ${LIBTORCH_URL}" >&2; exit 1; }; } \
 && curl -fsSL --retry 3 -o /tmp/libtorch.zip "${LIBTORCH_URL}" \
 && echo "${LIBTORCH_SHA256}  /tmp/libtorch.zip" | sha256sum -c - \
 && libtorch.sh zip-natives /tmp/libtorch.zip "${PYTORCH_VERSION}" cu128 /opt/libtorch/lib \
 && rm /tmp/libtorch.zip
COPY --from=app /quarkus-app/lib/main /tmp/app-lib
RUN libtorch.sh jni /tmp/app-lib "${PYTORCH_VERSION}" cu128 /opt/libtorch/lib \
 && rm -rf /tmp/app-lib

FROM libtorch-${TORCH_FLAVOR} AS libtorch

# ---- runtime ----
FROM ${JAVA_IMAGE} AS runtime
ARG TORCH_FLAVOR
ARG PYTORCH_VERSION

# a fixed numeric non-root user, so Kubernetes' runAsNonRoot can verify it (k8s uses the same id)
RUN groupadd --system --gid 10001 recaption \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin recaption

COPY --from=libtorch /opt/libtorch /opt/libtorch
# dependencies first: they change less often than the application's own classes
COPY --from=app /quarkus-app/lib/ /app/lib/
COPY --from=app /quarkus-app/*.jar /app/
COPY --from=app /quarkus-app/app/ /app/app/
COPY --from=app /quarkus-app/quarkus/ /app/quarkus/

# DJL: libtorch from /opt/libtorch (JNI next to it), never a download; its cache (unused with the
# override) and every other scratch file under /tmp, the one writable path under a read-only root.
# MALLOC_ARENA_MAX=1: one glibc heap for every thread, read only when the process starts. The JNI threads'
# own heaps would map and unmap each tensor over 64 MB on every op (page faults: a real-size UNet forward +
# backward 18.8 -> 11.3 s on CPU; HostMemory, README "Real size"). Set here, the application needs no re-run
# of itself to get it (OneHeap re-runs a model command started without it).
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=${PYTORCH_VERSION} \
    PYTORCH_FLAVOR=${TORCH_FLAVOR} \
    DJL_OFFLINE=true \
    DJL_CACHE_DIR=/tmp/djl \
    LD_LIBRARY_PATH=/opt/libtorch/lib \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    RECAPTION_MODEL_PATH=/model \
    MALLOC_ARENA_MAX=1 \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true"

WORKDIR /app
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --start-period=300s --interval=30s --timeout=5s \
  CMD curl -fsS http://localhost:8080/q/health/live || exit 1
ENTRYPOINT ["java", "-jar", "/app/quarkus-run.jar"]
CMD ["serve"]
