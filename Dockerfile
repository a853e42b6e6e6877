# ShipRoom: build with the .NET SDK, run on the ASP.NET runtime image as a non-root user.
#   docker build -t shiproom .
#   docker run -p 8080:8080 -v shiproom-data:/app/data -e SHIPROOM_ADMIN_PASSWORD=... shiproom
# The same steps are exercised without Docker by the publish test (tests/ShipRoom.Web.Tests/Hosting/PublishedAppTests.cs).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ShipRoom.Web/ShipRoom.Web.csproj -c Release -o /app/publish --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/publish .
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
USER $APP_UID
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://+:8080 \
    ShipRoom__Storage__Provider=Sqlite \
    ConnectionStrings__ShipRoom="Data Source=data/shiproom.db"
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD curl -fsS http://127.0.0.1:8080/health || exit 1
ENTRYPOINT ["dotnet", "ShipRoom.Web.dll"]
