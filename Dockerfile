# pushsync container image (Spring Boot layered jar, reference style).
#
#   ./mvnw -B package -DskipTests
#   docker build --build-arg BASE_IMAGE=local/pushsync-jre:17 -t pushsync:dev .
#
# BASE_IMAGE: any image with a Java 17 runtime on the PATH as `java` and a POSIX shell for the build stages'
# RUN lines. The default is the public one; on machines without a registry build local/pushsync-jre:17 with
# scripts/build-base-image.sh and pass it (CI and the tests always do).
ARG BASE_IMAGE=eclipse-temurin:17-jre

# --- extract: split the executable jar into layers (dependencies change rarely, the application often) ---
FROM ${BASE_IMAGE} AS extract
# marks this stage's intermediate images (the legacy builder keeps them as dangling images) so they can be pruned:
#   docker image prune -f --filter label=io.pushsync.build-stage=extract
LABEL io.pushsync.build-stage=extract
WORKDIR /workspace
COPY target/pushsync-*.jar app.jar
# the layers hold lib/*.jar and app.jar (its manifest's Class-Path names lib/): the form a CDS archive is made for
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

# --- runtime: the JRE, the layers and nothing else (no Maven, no JDK, no curl) ---
FROM ${BASE_IMAGE}
# a fixed numeric non-root user, so that Kubernetes' runAsNonRoot can check it without a name lookup
RUN groupadd --system --gid 10001 pushsync \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin pushsync
WORKDIR /app
COPY --from=extract /workspace/extracted/dependencies/ ./
COPY --from=extract /workspace/extracted/spring-boot-loader/ ./
COPY --from=extract /workspace/extracted/snapshot-dependencies/ ./
COPY --from=extract /workspace/extracted/application/ ./
# Class Data Sharing: a training run starts the application context and exits once it is refreshed
# (spring.context.exit=onRefresh; no port is opened, no vendor is called), and the JVM writes the classes it loaded
# to app.jsa. Started with that archive, the JVM maps those classes instead of loading and verifying them again.
# The training run, like the service, starts with the bean definitions Spring AOT generated into the jar
# (spring.aot.enabled): no configuration class is parsed and no condition evaluated at start; where a start's
# configuration chooses other beans (Redis state, the console, the sandbox profile, a Spring Boot setting given
# outside the jar) pushsync starts without them (io.pushsync.PreparedBeans). With the archive and the thresholds
# below: readiness in under half the time of this image without them (docs/benchmarks.md, "Start-up").
# What the training run leaves in /tmp goes.
RUN java -XX:+UseParallelGC -XX:ArchiveClassesAtExit=app.jsa -Dspring.aot.enabled=true -Dspring.context.exit=onRefresh -jar app.jar \
    > /tmp/cds-training.log 2>&1 \
 || { cat /tmp/cds-training.log; exit 1; }; rm -rf /tmp/* /tmp/.[!.]*; test -s app.jsa
# heap sized from the container's memory limit; an OutOfMemoryError ends the process (the orchestrator restarts
# it) instead of leaving a half-working JVM. Set JAVA_TOOL_OPTIONS to replace these.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# the application writes only to /tmp (Tomcat's work directory), which is world-writable
USER 10001:10001
EXPOSE 8080
# exec form: the JVM is PID 1 and receives SIGTERM itself -> graceful shutdown (server.shutdown=graceful)
# (the archive is used when it fits this JVM and class path, and silently left aside otherwise)
# The Tier4 thresholds (ten times HotSpot's defaults) let the optimising compiler (C2) wait for code that is hot
# in service rather than compile what only the start runs hot: on 2 cores it otherwise takes one core for most of
# the start. Code that stays hot is still compiled by C2, later (docs/benchmarks.md, "Start-up").
# -Dspring.aot.enabled=true: the bean definitions prepared at build time (above); PUSHSYNC_STARTUP_AHEAD_OF_TIME=false
# starts without them.
# -XX:+UseParallelGC: the throughput collector. Rows of a batch or a job window live for a second or two and are
# then garbage; with G1 on 2 cores that load promoted them into the old generation until a full collection, and
# Xtremepush rows cost about 50 % more CPU and 60 % more heap (docs/benchmarks.md, "Figure 7"). The training run
# above uses the same collector.
ENTRYPOINT ["java", "-XX:+UseParallelGC", "-XX:SharedArchiveFile=app.jsa", "-Dspring.aot.enabled=true", "-XX:Tier4InvocationThreshold=50000", "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000", "-XX:Tier4BackEdgeThreshold=400000", "-jar", "app.jar"]
