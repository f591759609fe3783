# Histoscope application image, built from the repository (used by docker-compose.yml).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml mvnw ./
COPY .mvn .mvn
COPY src src
COPY db db
COPY frontend frontend
RUN mvn -B -ntp -Pproduction -DskipTests -DskipPythonTests package

FROM eclipse-temurin:17-jre
# fonts for the evaluation charts drawn by JFreeChart (Java2D needs a system font to draw axis labels)
RUN apt-get update && apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# /app/keys: the audit key's volume is created from this folder, so the application may write its key there
RUN useradd --system --home /app histoscope && mkdir -p /app/data /app/keys && chown histoscope /app/data /app/keys
WORKDIR /app
COPY --from=build /src/target/histoscope-*.jar /app/histoscope.jar
COPY models /app/models
USER histoscope
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=70", "-jar", "/app/histoscope.jar"]
