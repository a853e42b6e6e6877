using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Rollouts.Replay;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using static ShipRoom.Infrastructure.Tests.Reports.LiveAndReplay;

namespace ShipRoom.Infrastructure.Tests.Reports;

/// <summary>
/// What the replay takes from the archive besides samples: people's holds, resumes and sign-offs (at the times they
/// were given) and the probe runs the live run recorded.
/// </summary>
public sealed class InputsReplayTests
{
    private static CancellationToken Ct => LiveAndReplay.Ct;

    [Fact]
    public async Task A_person_holding_resuming_and_signing_off_is_replayed_as_input()
    {
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        // The shipped plan with a stricter auto-approval (P95 <= 90 ms, never met): leaving 50% needs the executive.
        var id = await host.StartRolloutAsync("healthy", autoAdvance: true,
            editPlan: plan => plan.Replace("          condition: '<= 120 ms'", "          condition: '<= 90 ms'", StringComparison.Ordinal));
        var ic = RolloutTestHost.IncidentCommander;
        var ceo = RolloutTestHost.Person("ceo", Roles.ExecutiveApprover);
        DateTimeOffset? fiftyPercentSince = null;

        // Up to the advance to 100%: the two-hour stabilisation after it has nothing a person does.
        await RunLiveAsync(host, id, 200, stopWhen: rollout => rollout.PhaseIndex == 4, between: async (minute, rollout) =>
        {
            var command = (minute, rollout.PhaseIndex, rollout.Status) switch
            {
                (20, 1, RolloutStatus.Running) => new CommandRequest(id, RolloutCommand.Hold, ic, "checking a support ticket"),
                (33, 1, RolloutStatus.Held) => new CommandRequest(id, RolloutCommand.Resume, ic, "ticket unrelated"),
                _ => null,
            };
            if (rollout.PhaseIndex == 3)
            {
                fiftyPercentSince ??= rollout.PhaseStartedAt;
                if (host.Time.GetUtcNow() - fiftyPercentSince == TimeSpan.FromMinutes(35.5))
                {
                    command = new CommandRequest(id, RolloutCommand.Approve, ceo, "reviewed the board at 50%");
                }
            }

            if (command is not null)
            {
                var result = await host.Commands.ExecuteAsync(command, Ct);
                Assert.True(result.Status == CommandStatus.Executed, result.Message);
            }
        });

        var live = await AutomaticDecisionsAsync(host, id);
        Assert.Equal(["advance", "advance", "advance", "advance"], live.Select(d => d.Kind));
        Assert.Contains("approved by ceo (Executive approver): reviewed the board at 50%", live[3].Reason);
        await AssertReplayMatchesAsync(host, id);
        var (_, replay) = await ReplayAsync(host, id);
        Assert.Equal(["hold", "resume", "approve"], replay.Timeline.Where(e => e.Match == ReplayMatch.Input).Select(e => e.Action));
    }

    [Fact]
    public async Task A_rollback_on_three_failed_probe_rounds_is_replayed_from_the_recorded_runs()
    {
        await using var endpoint = new LocalEndpoint();
        await using var host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        var plan = RolloutTestHost.PlanText().Replace("https://canary.checkout.example.com/health", endpoint.Url("health"), StringComparison.Ordinal)
            .Replace("https://canary.checkout.example.com/ready", endpoint.Url("ready"), StringComparison.Ordinal)
            .Replace("https://canary.checkout.example.com/api/checkout/smoke?e2e=1", endpoint.Url("smoke"), StringComparison.Ordinal);
        var created = await host.Rollouts.CreateAsync(plan, "plan.yaml", RolloutTestHost.Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(Seed: 7, AutoAdvance: true, SimulatedProbes: false), 1, TimeSpan.Zero), Ct);
        var id = created.RolloutId!.Value;

        await RunLiveAsync(host, id, 60, (minute, _) =>
        {
            endpoint.Status = minute > 20 ? 503 : 200;
            return Task.CompletedTask;
        });

        var live = await AutomaticDecisionsAsync(host, id);
        var rollback = live.Last();
        Assert.Equal(("rollback", RolloutTestHost.Start.AddMinutes(23)), (rollback.Kind, rollback.Minute));
        Assert.Contains("3 consecutive failures (status 503, expected 200)", rollback.Reason);
        await AssertReplayMatchesAsync(host, id);
    }
}
