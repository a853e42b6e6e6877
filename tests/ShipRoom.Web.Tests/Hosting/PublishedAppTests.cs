using System.Diagnostics;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>
/// The Dockerfile's steps without Docker: `dotnet publish`, then the published app started on its own, in
/// Production, from its own folder, serving /health, /ready and the component library's static assets.
/// </summary>
public sealed class PublishedAppTests
{
    [Fact]
    public async Task The_published_app_starts_and_serves_health_ready_and_package_assets()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var publishDir = Directory.CreateTempSubdirectory("shiproom-publish-").FullName;
        try
        {
            await PublishAsync(publishDir, ct);
            Assert.True(File.Exists(Path.Combine(publishDir, "appsettings.json")), "appsettings.json is published");
            Assert.True(Directory.EnumerateFiles(Path.Combine(publishDir, "db", "sqlite"), "*.sql").Any(), "migrations are published");

            var port = AppProcess.FreePort();
            await using var app = AppProcess.Start(Path.Combine(publishDir, "ShipRoom.Web.dll"), publishDir, new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Urls"] = $"http://127.0.0.1:{port}",
                ["SHIPROOM_ADMIN_PASSWORD"] = "Published-Admin-Password-1",
            });
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            await app.WaitForOkAsync(client, "/health", TimeSpan.FromSeconds(60), ct);
            await app.WaitForOkAsync(client, "/ready", TimeSpan.FromSeconds(30), ct);
            var css = await client.GetAsync("/_content/MudBlazor/MudBlazor.min.css", ct);

            Assert.True(css.IsSuccessStatusCode, $"MudBlazor css answered {(int)css.StatusCode}");
            await AssertPageAssetsAreServedCompressedAsync(client, "/login", ct);
            Assert.True(File.Exists(Path.Combine(publishDir, "data", "shiproom.db")), "the database is created under data/ beside the app");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(publishDir, recursive: true);
        }
    }

    /// <summary>Every stylesheet and script a page links answers, compressed: a fingerprinted package URL once went out as 627 KB raw.</summary>
    private static async Task AssertPageAssetsAreServedCompressedAsync(HttpClient client, string page, CancellationToken ct)
    {
        var html = await client.GetStringAsync(page, ct);
        var links = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src)=\"([^\"]+\\.(?:css|js)(?:\\?[^\"]*)?)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.True(links.Count >= 3, $"the page links its styles and scripts: {string.Join(", ", links)}");
        long total = 0;
        foreach (var link in links)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/" + link.TrimStart('/'));
            request.Headers.AcceptEncoding.ParseAdd("br, gzip");
            using var response = await client.SendAsync(request, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            Assert.True(response.IsSuccessStatusCode, $"{link} answered {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentEncoding.Count > 0, $"{link} was sent uncompressed ({body.Length} bytes)");
            total += body.Length;
        }

        Assert.True(total < 400_000, $"the sign-in page's styles and scripts take {total} bytes on the wire");
    }

    private static async Task PublishAsync(string outputDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
        foreach (var arg in new[] { "publish", "src/ShipRoom.Web/ShipRoom.Web.csproj", "-c", RepositoryRoot.Configuration, "-o", outputDir, "--nologo", "-v", "quiet", "--no-build" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await output}\n{await error}");
    }
}
