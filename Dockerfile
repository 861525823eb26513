# The controller's image: built with Maven, run on Temurin's JRE 17 as a non-root user.
#   docker build -t cync-canary:0.1.0-SNAPSHOT .
# deploy/kubernetes/ runs it with its config from a ConfigMap at /etc/cync-canary/ and its state in
# an emptyDir at /var/lib/cync-canary (the root filesystem read-only).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The dependencies first, in their own layer, so a source change does not download them again.
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY config ./config
COPY src/main ./src/main
RUN mvn -B -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 cync \
    && useradd --system --uid 10001 --gid cync --home-dir /var/lib/cync-canary --no-create-home cync \
    && mkdir -p /opt/cync-canary /etc/cync-canary /var/lib/cync-canary \
    && chown cync:cync /var/lib/cync-canary
COPY --from=build /src/target/cync-canary.jar /opt/cync-canary/cync-canary.jar
# The built-in config, so the image also runs without a ConfigMap (one replica, file store).
COPY config/cync-canary.yaml /etc/cync-canary/cync-canary.yaml
USER 10001:10001
WORKDIR /var/lib/cync-canary
# 23778 plaintext devices, 23779 TLS devices, 9400 /metrics, /healthz and the admin API.
EXPOSE 23778 23779 9400
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/cync-canary/cync-canary.jar", "serve", "--config", "/etc/cync-canary/cync-canary.yaml", "--state-dir", "/var/lib/cync-canary"]
