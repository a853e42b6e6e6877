using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// <c>RolloutUpdated</c> carries only what changed: its size does not grow with the phase's age, and a client that
/// applies the updates, joins late or misses one ends with the same state as the server holds.
/// </summary>
public sealed class RolloutUpdatesTests : IAsyncLifetime
{
    private const int MaxUpdateBytes = 32 * 1024;
    private const int SeventyTwoHours = 72 * 60;

    private readonly ShipRoomAppFactory _factory = new(useKestrel: true);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private static int Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, ShipRoomJson.Options).Length;

    private static JsonObject Json(RolloutSnapshot snapshot) => JsonSerializer.SerializeToNode(snapshot, ShipRoomJson.Options)!.AsObject();

    private static RolloutUpdate Update(RolloutSnapshot before, RolloutSnapshot after) =>
        RolloutUpdateBuilder.Between(1, before, RolloutUpdateBuilder.Fingerprint(RolloutUpdateBuilder.Slim(before)), 2, after, RolloutUpdateBuilder.Slim(after));

    [Fact]
    public void An_update_72_hours_into_a_phase_stays_within_32_KB_and_rebuilds_the_whole_snapshot()
    {
        var before = LongPhaseSnapshots.At(7, SeventyTwoHours);
        var after = LongPhaseSnapshots.At(7, SeventyTwoHours + 1);

        var update = Update(before, after);

        Assert.Equal(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1), after.Now - after.PhaseStartedAt);
        Assert.True(Bytes(update) <= MaxUpdateBytes, $"the update is {Bytes(update)} bytes");
        // One new minute: each series and each gate's recent minutes drop the oldest and gain the new one.
        // One group: every series drops one point and gains the minute, each metric key and the time written once.
        var series = Assert.Single(update.Series);
        Assert.Equal((1, after.Now.AddMinutes(-1)), (series.Drop, series.From));
        Assert.Equal(LongPhaseSnapshots.Metrics, series.Values!.Count);
        Assert.Equal(LongPhaseSnapshots.Metrics * 2, SeriesChanged(update));
        Assert.All(series.Values.Values.SelectMany(f => f.Values), values => Assert.Single(values));
        var history = Assert.Single(update.History);
        Assert.Equal(1, history.Drop);
        Assert.All(history.Gates.Values, g => Assert.Single(g.Status));
        var applied = HubMirror.Apply(Json(before), JsonSerializer.SerializeToElement(update, ShipRoomJson.Options));
        Assert.True(JsonNode.DeepEquals(Json(after), applied), "the update applied to the earlier snapshot is not the later one");
    }

    [Fact]
    public void A_new_phase_before_its_first_complete_minute_empties_every_gate_history_and_the_client_follows()
    {
        var before = LongPhaseSnapshots.At(7, 60);
        var after = before with
        {
            Now = before.Now.AddSeconds(20),
            Verdict = before.Verdict! with { Gates = before.Verdict.Gates.Select(g => g with { History = [] }).ToList() },
        };

        var update = Update(before, after);

        var history = Assert.Single(update.History);
        Assert.Equal((SnapshotBuilder.GateMinutesShown, null), (history.Drop, history.From));
        Assert.NotEmpty(history.Gates);
        Assert.All(history.Gates.Values, g => Assert.Empty(g.Status));
        var applied = HubMirror.Apply(Json(before), JsonSerializer.SerializeToElement(update, ShipRoomJson.Options));
        Assert.True(JsonNode.DeepEquals(Json(after), applied), "the update applied to the earlier snapshot is not the later one");
    }

    [Theory]
    [InlineData(60, 1)]
    [InlineData(SeventyTwoHours, 1)]
    [InlineData(60, 10)]
    [InlineData(SeventyTwoHours, 10)]
    public void Update_size_by_phase_age_and_minutes_per_poll(int phaseMinutes, int minutesPolled)
    {
        var before = LongPhaseSnapshots.At(7, phaseMinutes);
        var after = LongPhaseSnapshots.At(7, phaseMinutes + minutesPolled);
        var update = Update(before, after);

        Xunit.TestContext.Current.SendDiagnosticMessage($"update-size phase={phaseMinutes}min polled={minutesPolled}min: whole snapshot {Bytes(after)} B, update {Bytes(update)} B (patch {Bytes(update.Patch)} B [{string.Join(", ", update.Patch.Select(p => $"{p.Key} {Bytes(p.Value)}"))}], series {Bytes(update.Series)} B, history {Bytes(update.History)} B)");
        Assert.True(Bytes(update) <= MaxUpdateBytes, $"the update is {Bytes(update)} bytes");
    }

    [Fact]
    public void The_update_size_does_not_grow_with_the_phase_age()
    {
        var young = Update(LongPhaseSnapshots.At(7, 60), LongPhaseSnapshots.At(7, 61));
        var old = Update(LongPhaseSnapshots.At(7, SeventyTwoHours), LongPhaseSnapshots.At(7, SeventyTwoHours + 1));

        // The same changes at 1 h and at 72 h; the bytes differ only by digits in the values.
        Assert.Equal(SeriesChanged(young), SeriesChanged(old));
        Assert.InRange(Bytes(old), Bytes(young) * 0.9, Bytes(young) * 1.1);
    }

    [Fact]
    public void A_point_changed_in_the_middle_of_a_series_sends_that_series_whole_and_the_client_still_rebuilds_it()
    {
        var before = LongPhaseSnapshots.At(7, 90);
        var metric = before.Panels[0].Metrics[0];
        var revised = metric with { CanarySeries = metric.CanarySeries.Select((p, i) => i == 40 ? p with { Value = p.Value + 1 } : p).ToList() };
        var after = before with
        {
            BuiltAt = before.BuiltAt.AddSeconds(5),
            Panels = [before.Panels[0] with { Metrics = [revised, .. before.Panels[0].Metrics.Skip(1)] }, .. before.Panels.Skip(1)],
        };

        var update = Update(before, after);

        var group = Assert.Single(update.Series);
        var (key, fields) = Assert.Single(group.Values!);
        var (field, values) = Assert.Single(fields);
        Assert.Equal((metric.Key, RolloutUpdateBuilder.CanarySeries, metric.CanarySeries.Count, metric.CanarySeries.Count), (key, field, group.Drop, values.Count));
        Assert.Equal(["builtAt"], update.Patch.Select(p => p.Key));
        var applied = HubMirror.Apply(Json(before), JsonSerializer.SerializeToElement(update, ShipRoomJson.Options));
        Assert.True(JsonNode.DeepEquals(Json(after), applied));
    }

    [Fact]
    public void Series_that_change_differently_come_in_groups_of_their_own_and_the_client_rebuilds_them_all()
    {
        var before = LongPhaseSnapshots.At(7, 90);
        var after = LongPhaseSnapshots.At(7, 91);
        var revisedMetric = after.Panels[0].Metrics[0];
        var offMinuteMetric = after.Panels[0].Metrics[1];
        // One series revised inside (sent whole), one with a new point half a minute after its new minute (sent as points), the rest one new minute each.
        var revised = revisedMetric with { ControlSeries = revisedMetric.ControlSeries.Select((p, i) => i == 10 ? p with { Value = p.Value + 1 } : p).ToList() };
        var offMinute = offMinuteMetric with { CanarySeries = [.. offMinuteMetric.CanarySeries, offMinuteMetric.CanarySeries[^1] with { Time = offMinuteMetric.CanarySeries[^1].Time.AddSeconds(30) }] };
        after = after with { Panels = [after.Panels[0] with { Metrics = [revised, offMinute, .. after.Panels[0].Metrics.Skip(2)] }, .. after.Panels.Skip(1)] };

        var update = Update(before, after);

        Assert.Equal(3, update.Series.Count);
        Assert.Equal(LongPhaseSnapshots.Metrics * 2, SeriesChanged(update));
        var whole = Assert.Single(update.Series, g => g.Drop == before.Panels[0].Metrics[0].ControlSeries.Count);
        Assert.Equal([(revisedMetric.Key, RolloutUpdateBuilder.ControlSeries)], whole.Values!.SelectMany(m => m.Value.Keys.Select(f => (m.Key, f))));
        var points = Assert.Single(update.Series, g => g.Points is not null);
        Assert.Null(points.From);
        Assert.Equal([(offMinuteMetric.Key, RolloutUpdateBuilder.CanarySeries)], points.Points!.SelectMany(m => m.Value.Keys.Select(f => (m.Key, f))));
        var applied = HubMirror.Apply(Json(before), JsonSerializer.SerializeToElement(update, ShipRoomJson.Options));
        Assert.True(JsonNode.DeepEquals(Json(after), applied), "the update applied to the earlier snapshot is not the later one");
    }

    [Fact]
    public void A_series_that_only_loses_its_points_comes_as_an_empty_points_list_and_the_client_empties_it()
    {
        var before = LongPhaseSnapshots.At(7, 90);
        var metric = before.Panels[0].Metrics[0];
        var after = before with
        {
            BuiltAt = before.BuiltAt.AddSeconds(5),
            Panels = [before.Panels[0] with { Metrics = [metric with { CanarySeries = [] }, .. before.Panels[0].Metrics.Skip(1)] }, .. before.Panels.Skip(1)],
        };

        var update = Update(before, after);

        var group = Assert.Single(update.Series);
        Assert.Equal((metric.CanarySeries.Count, (DateTimeOffset?)null, (object?)null), (group.Drop, group.From, (object?)group.Values));
        var (key, fields) = Assert.Single(group.Points!);
        var (field, points) = Assert.Single(fields);
        Assert.Equal((metric.Key, RolloutUpdateBuilder.CanarySeries, 0), (key, field, points.Count));
        var json = JsonSerializer.SerializeToElement(update, ShipRoomJson.Options);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("series")[0].GetProperty("from").ValueKind);
        var applied = HubMirror.Apply(Json(before), json);
        Assert.True(JsonNode.DeepEquals(Json(after), applied), "the update applied to the earlier snapshot is not the later one");
    }

    /// <summary>How many series the update changes, over all its groups.</summary>
    private static int SeriesChanged(RolloutUpdate update) =>
        update.Series.Sum(g => (g.Values?.Values.Sum(f => f.Count) ?? 0) + (g.Points?.Values.Sum(f => f.Count) ?? 0));

    [Fact]
    public async Task Clients_that_follow_join_late_or_miss_an_update_over_the_hub_end_with_the_state_the_server_holds()
    {
        const long id = 990_001; // seeded straight into the store: no poll of a stored rollout interleaves
        Assert.NotNull(_factory.ServerAddress);
        var store = _factory.Services.GetRequiredService<RolloutSnapshotStore>();
        var token = await ApiTestHost.TokenAsync(_factory, Roles.Viewer);
        var minute = 300;
        await store.PublishAsync(LongPhaseSnapshots.At(id, minute), Ct);

        await using var followerHub = await ConnectAsync(token);
        await using var lossyHub = await ConnectAsync(token);
        var follower = new HubMirror(followerHub, id);
        var lossy = new HubMirror(lossyHub, id);
        await follower.SubscribeAsync(Ct);
        await lossy.SubscribeAsync(Ct);

        var sequences = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            minute += i == 3 ? 7 : 1; // one poll that brings seven minutes at once
            await store.PublishAsync(LongPhaseSnapshots.At(id, minute, version: i < 2 ? 3 : 4) with { Status = i < 2 ? Core.Rollouts.RolloutStatus.Running : Core.Rollouts.RolloutStatus.Held }, Ct);
            sequences.Add(store.GetState(id)!.Sequence);
        }

        lossy.Drop.Add(sequences[1]); // the second update never reaches this client (updates are only queued until CatchUpAsync)

        await using var lateHub = await ConnectAsync(token);
        var late = new HubMirror(lateHub, id);
        await late.SubscribeAsync(Ct);
        minute++;
        await store.PublishAsync(LongPhaseSnapshots.At(id, minute, version: 4) with { Status = Core.Rollouts.RolloutStatus.Held }, Ct);
        var final = store.GetState(id)!;

        foreach (var mirror in new[] { follower, lossy, late })
        {
            await mirror.CatchUpAsync(final.Sequence, Ct);
            Assert.Equal(final.Sequence, mirror.Sequence);
            Assert.True(JsonNode.DeepEquals(Json(final.Snapshot), mirror.State), "a client's state differs from the server's");
            Assert.InRange(mirror.LargestUpdateBytes, 1, MaxUpdateBytes);
        }

        Assert.Equal((6, 0), (follower.Applied, follower.Resubscribed));
        Assert.Equal(1, lossy.Resubscribed);
        Assert.Equal((1, 0), (late.Applied, late.Resubscribed));
        Assert.Equal("held", (string?)follower.State!["status"]);
    }

    private async Task<HubConnection> ConnectAsync(string token)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.ServerAddress, "hubs/rollouts"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await hub.StartAsync(Ct);
        return hub;
    }
}
