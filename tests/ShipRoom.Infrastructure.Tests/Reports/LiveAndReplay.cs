using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Rollouts.Replay;
using ShipRoom.Infrastructure.Probes;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Rollouts;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>
/// A demo rollout of the shipped plan run in-process on the simulator to its end, judged every rollout minute as its
/// plan asks (pollEvery: 1m) with its probes after each poll, then its audit archive downloaded and replayed: the
/// replay must take the same automatic decisions, at the same minutes and for the same reasons, as the live run.
/// </summary>
internal static class LiveAndReplay
{
    public static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public sealed record LiveDecision(string Kind, DateTimeOffset Minute, string Reason);

    /// <summary>
    /// Advances the clock a minute at a time: a poll, then the probes; <paramref name="between"/> acts half-way through
    /// a minute. Stops when the rollout has ended, or <paramref name="stopWhen"/> says so.
    /// </summary>
    public static async Task RunLiveAsync(RolloutTestHost host, long id, int maxMinutes, Func<int, RolloutRecord, Task>? between = null, Func<RolloutRecord, bool>? stopWhen = null)
    {
        var probes = host.Get<ProbeService>();
        for (var minute = 1; minute <= maxMinutes; minute++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(30));
            if (between is not null)
            {
                await between(minute, (await host.Database.Rollouts.GetAsync(id, Ct))!);
            }

            host.Time.Advance(TimeSpan.FromSeconds(30));
            await host.Poller.PollAsync(id, Ct);
            var rollout = (await host.Database.Rollouts.GetAsync(id, Ct))!;
            if (RolloutStateMachine.IsLive(rollout.Status))
            {
                await probes.RunAsync(rollout, Ct);
            }

            var after = (await host.Database.Rollouts.GetAsync(id, Ct))!;
            if (RolloutStateMachine.IsFinished(after.Status) || stopWhen?.Invoke(after) == true)
            {
                return;
            }
        }
    }

    public static async Task<List<LiveDecision>> AutomaticDecisionsAsync(RolloutTestHost host, long id)
    {
        var rollout = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        return (await host.Database.Decisions.ListAsync(id, 1000, Ct))
            .Where(d => d.Actor == RolloutActor.AutomaticName && d.Outcome is DecisionOutcome.Executed or DecisionOutcome.Failed)
            .OrderBy(d => d.Id)
            .Select(d => new LiveDecision(d.Kind.Key(), Minutes.Floor(RolloutClock.Now(rollout, d.RequestedAt)), d.Reason ?? ""))
            .ToList();
    }

    /// <summary>Downloads the archive as the API serves it, reads it back and replays it.</summary>
    public static async Task<(RolloutArchive Archive, ReplayResult Replay)> ReplayAsync(RolloutTestHost host, long id)
    {
        var (_, zip) = (await host.Get<RolloutArchiveService>().BuildAsync(id, Ct))!.Value;
        var (archive, problems) = RolloutArchiveReader.Read(new MemoryStream(zip));
        Assert.True(archive is not null, string.Join("\n", problems));
        return (archive, RolloutReplay.Run(archive.Recording));
    }

    public static async Task AssertReplayMatchesAsync(RolloutTestHost host, long id)
    {
        var live = await AutomaticDecisionsAsync(host, id);
        var (archive, replay) = await ReplayAsync(host, id);
        var replayed = replay.Automatic.Select(e => new LiveDecision(e.Action, Minutes.Floor(e.At), e.Reason)).ToList();

        Assert.Equal(live, replayed);
        Assert.True(replay.SameAsRecorded, string.Join("\n", replay.Timeline.Where(e => e.Match is not (ReplayMatch.Input or ReplayMatch.AsRecorded))));
        var rollout = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        Assert.Equal(rollout.Status, replay.FinalStatus);
        Assert.Equal(archive.Rollout.Phase, replay.FinalPhase);
        // Every minute of the live run was judged again.
        Assert.True(replay.Judgements >= (int)(rollout.LastPolledTo!.Value - archive.Recording.StartedAt).TotalMinutes, $"{replay.Judgements} judgements");
    }
}
