using System.Text.Json;
using ShipRoom.Web.Model;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>ShipRoom:Logging:Format=json, as an operator starts it: every console line is one JSON object, and personal data stays out.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task With_json_logs_every_line_is_an_object_and_the_first_admin_s_name_is_redacted()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var workDir = Directory.CreateTempSubdirectory("shiproom-jsonlog-").FullName;
        var port = AppProcess.FreePort();
        await using (var app = AppProcess.Start(RepositoryRoot.WebAppDll, workDir, new Dictionary<string, string>
        {
            ["ShipRoom__Logging__Format"] = "json",
            ["ShipRoom__Auth__InitialAdminUserName"] = "jane.doe",
            ["ShipRoom__Auth__InitialAdminPassword"] = "Long-Enough-Password-1",
            ["ShipRoom__Demo__Enabled"] = "false",
            ["Urls"] = $"http://127.0.0.1:{port}",
        }))
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await app.WaitForOkAsync(client, "/ready", TimeSpan.FromSeconds(60), ct);
            var lines = app.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            Assert.NotEmpty(lines);
            var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
            var created = Assert.Single(entries, e => e.GetProperty("message").GetString()!.StartsWith("Initial administrator", StringComparison.Ordinal));
            Assert.Equal("Initial administrator [person] created from configuration", created.GetProperty("message").GetString());
            Assert.Equal("[person]", created.GetProperty("UserName").GetString());
            Assert.DoesNotContain("jane.doe", app.Output);
        }

        Directory.Delete(workDir, recursive: true);
    }
}
