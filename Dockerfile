# ShipRoom: build with the .NET SDK, run on the ASP.NET runtime image as a non-root user.
#   docker build -t shiproom .
#   docker run -p 8080:8080 -v shiproom-data:/app/data -e SHIPROOM_ADMIN_PASSWORD=... shiproom
# The image holds the web app in /app and the `shiproom` command line in /app/cli (`shiproom migrate` runs as
# `dotnet /app/cli/shiproom.dll migrate`, the Kubernetes migration Job and the compose "migrate" service do).
# Base images are pinned to exact versions; pin them by digest too in your registry mirror. deploy/ and
# docs/deploy.md show it running as two instances on PostgreSQL.
# The same steps are exercised without Docker by the publish test (tests/ShipRoom.Web.Tests/Hosting/PublishedAppTests.cs)
# and this file's shape by tests/ShipRoom.Web.Tests/Deployment/DeploymentFilesTests.cs.

FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
# Restore first, from the project files alone, so the package layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ShipRoom.Core/ShipRoom.Core.csproj src/ShipRoom.Core/
COPY src/ShipRoom.Infrastructure/ShipRoom.Infrastructure.csproj src/ShipRoom.Infrastructure/
COPY src/ShipRoom.Web/ShipRoom.Web.csproj src/ShipRoom.Web/
COPY src/ShipRoom.Cli/ShipRoom.Cli.csproj src/ShipRoom.Cli/
RUN dotnet restore src/ShipRoom.Web/ShipRoom.Web.csproj \
 && dotnet restore src/ShipRoom.Cli/ShipRoom.Cli.csproj
COPY . .
RUN dotnet publish src/ShipRoom.Web/ShipRoom.Web.csproj -c Release -o /app/publish --no-restore --nologo \
 && dotnet publish src/ShipRoom.Cli/ShipRoom.Cli.csproj -c Release -o /app/publish/cli --no-restore --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/publish .
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID
# Production: no demo rollout (it would post to #ship-room and fill the audit), SQLite unless configured otherwise.
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://+:8080 \
    ShipRoom__Demo__Enabled=false \
    ShipRoom__Storage__Provider=Sqlite \
    ConnectionStrings__ShipRoom="Data Source=data/shiproom.db"
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["dotnet", "ShipRoom.Web.dll"]
