# Minimal image; the deployment issue completes it (locally built base image, probes, graceful shutdown).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE} AS extract
WORKDIR /workspace
COPY target/pushsync-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

FROM ${BASE_IMAGE}
WORKDIR /app
RUN useradd --system --uid 10001 pushsync || true
COPY --from=extract /workspace/extracted/dependencies/ ./
COPY --from=extract /workspace/extracted/spring-boot-loader/ ./
COPY --from=extract /workspace/extracted/snapshot-dependencies/ ./
COPY --from=extract /workspace/extracted/application/ ./
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "org.springframework.boot.loader.launch.JarLauncher"]
