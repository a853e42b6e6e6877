using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

public sealed class ReportApiTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task Anyone_exports_the_scorecard_but_only_the_ship_room_leads_download_the_audited_archive()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        var viewer = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.Viewer));
        var security = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.SecurityLead));

        var scorecard = JsonDocument.Parse(await viewer.GetStringAsync($"/api/rollouts/{id}/scorecard", Ct)).RootElement;
        var markdown = await viewer.GetAsync($"/api/rollouts/{id}/scorecard.md", Ct);
        var csv = await viewer.GetStringAsync($"/api/rollouts/{id}/scorecard.csv", Ct);
        var viewerArchive = await viewer.GetAsync($"/api/rollouts/{id}/archive.zip", Ct);
        var archive = await security.GetAsync($"/api/rollouts/{id}/archive.zip", Ct);

        Assert.Equal(id, scorecard.GetProperty("rolloutId").GetInt64());
        Assert.NotEmpty(scorecard.GetProperty("gates").EnumerateArray());
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("# Go/No-Go scorecard", await markdown.Content.ReadAsStringAsync(Ct));
        Assert.StartsWith("section,phase,key,name,result", csv);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/rollouts/{id}/scorecard.exe", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, viewerArchive.StatusCode);
        Assert.Contains("DownloadArchive needs one of these roles", await viewerArchive.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        Assert.Equal("application/zip", archive.Content.Headers.ContentType!.MediaType);
        using var zip = new ZipArchive(await archive.Content.ReadAsStreamAsync(Ct));
        Assert.Contains(zip.Entries, e => e.FullName == "audit.csv");
        var audited = JsonDocument.Parse(await viewer.GetStringAsync($"/api/audit?rollout={id}&kind=rollout.archive.downloaded", Ct)).RootElement;
        Assert.Equal("token:test SecurityLead", Assert.Single(audited.EnumerateArray()).GetProperty("actor").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().GetAsync($"/api/rollouts/{id}/scorecard", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_current_cadence_report_can_be_read_without_a_chat_channel()
    {
        var id = await ApiTestHost.RunningRolloutAsync(_factory);
        await _factory.Services.GetRequiredService<ShipRoom.Infrastructure.Rollouts.Polling.RolloutPoller>().PollAsync(id, Ct);
        var viewer = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.Viewer));

        var report = JsonDocument.Parse(await viewer.GetStringAsync($"/api/rollouts/{id}/report", Ct)).RootElement;

        Assert.StartsWith("v20261126.2 at 1%: 15m report", report.GetProperty("title").GetString());
        var text = report.GetProperty("text").GetString()!;
        Assert.Contains("Latency (canary vs control):\n• P50 latency: ", text);
        Assert.Contains("Top anomalies:", text);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/rollouts/999/report", Ct)).StatusCode);
    }

    [Fact]
    public async Task Release_engineering_saves_a_post_template_others_are_refused_and_bad_ones_name_the_line()
    {
        var releng = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.ReleaseEngineer));
        var ic = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.IncidentCommander));

        var refused = await ic.PutAsJsonAsync("/api/notifications/templates/hold", new { template = "HOLD {release}" }, ShipRoomJson.Options, Ct);
        var bad = await releng.PutAsJsonAsync("/api/notifications/templates/hold", new { template = "HOLD {release}\n{nope}" }, ShipRoomJson.Options, Ct);
        var saved = await releng.PutAsJsonAsync("/api/notifications/templates/hold", new { template = "Paused: {release} at {phase}\nBy {actor}: {reason}" }, ShipRoomJson.Options, Ct);
        var list = JsonDocument.Parse(await ic.GetStringAsync("/api/notifications/templates", Ct)).RootElement;

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("line 2: {nope} is not a placeholder of 'hold' posts", await bad.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        var hold = list.EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "hold");
        Assert.False(hold.GetProperty("isDefault").GetBoolean());
        Assert.StartsWith("Paused: {release}", hold.GetProperty("template").GetString());
        Assert.Equal(15, list.GetArrayLength());
        Assert.Equal(HttpStatusCode.NoContent, (await releng.DeleteAsync("/api/notifications/templates/hold", Ct)).StatusCode);
        var reset = JsonDocument.Parse(await ic.GetStringAsync("/api/notifications/templates", Ct)).RootElement;
        Assert.True(reset.EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "hold").GetProperty("isDefault").GetBoolean());
    }
}
