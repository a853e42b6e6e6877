using System.Text.Json;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.PostSuccess;
using ShipRoom.Infrastructure.Reports;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Infrastructure.Tests.PostSuccess;

/// <summary>
/// Post-success, carried out, on SQLite and PostgreSQL: the shipped fast plan (directive 004) runs on the simulator to
/// completion after its 2 h stable at 100%; two instances then run the post-success steps; a deploy webhook on
/// 127.0.0.1 receives each action once; the change freeze starts; the win note is drafted with KPI deltas vs control
/// for a PM to edit and publish; and the 7-day cohort review is posted through the outbox to a receiver on 127.0.0.1.
/// </summary>
public abstract class PostSuccessTests(IStorageEngine engine) : IAsyncDisposable
{
    private const string Secret = "post-success-test-secret-0001";
    private const string Plan = "directive-004-ramp-1-10-25-50-100.yaml";
    private readonly LocalEndpoint _deploySystem = new();
    private readonly LocalEndpoint _chat = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _deploySystem.DisposeAsync();
        await _chat.DisposeAsync();
    }

    private Dictionary<string, string?> Settings(bool deploySystem = true)
    {
        var settings = new Dictionary<string, string?> { ["ShipRoom:Notifications:Webhook:Url"] = _chat.Url("hook") };
        if (deploySystem)
        {
            settings["ShipRoom:Deploy:WebhookUrl"] = _deploySystem.Url("deploy");
            settings["ShipRoom:Deploy:WebhookSecret"] = Secret;
            settings["ShipRoom:Deploy:Retries"] = "0";
        }

        return settings;
    }

    private List<(string Action, string? Key, JsonElement Body)> DeployActions() =>
        _deploySystem.Received.Select(r => (JsonDocument.Parse(r.Body).RootElement, r.Headers["Idempotency-Key"]))
            .Select(x => (x.Item1.GetProperty("action").GetString()!, x.Item2, x.Item1)).Where(a => a.Item1 is PostSuccessActions.LiftPaymentCaps or PostSuccessActions.RemoveInfraLock).ToList();

    [Fact]
    public async Task The_shipped_plan_completes_after_two_hours_stable_and_its_post_success_steps_run_once_across_two_instances()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings());
        await using var second = host.SecondInstance(Settings());
        var id = await host.StartRolloutAsync(autoAdvance: true);
        var service = host.Get<PostSuccessService>();

        // 1% 15m → 10% 15m → 25% 15m → 50% 30m → 100% stable 2 h: about 195 minutes of rollout time.
        var status = RolloutStatus.Running;
        for (var minute = 1; minute <= 260 && status != RolloutStatus.Completed; minute++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(1));
            await host.Poller.PollAsync(id, Ct);
            status = (await host.Database.Rollouts.GetAsync(id, Ct))!.Status;
            if (status == RolloutStatus.Stabilising)
            {
                // Stable at 100% but not yet for 2 h: nothing post-success runs.
                Assert.Equal(0, await service.RunDueAsync(Ct));
            }
        }

        Assert.Equal(RolloutStatus.Completed, status);
        var completedAt = host.Time.GetUtcNow();
        Assert.Empty(DeployActions());

        // Both instances look at once, and again: each step runs once. The deploy system takes its time over lifting the
        // caps, so one instance is still carrying that out when the other has done the rest: the win note, which says
        // what became of each step, waits for it instead of saying "sending".
        _deploySystem.DelayFor = body => body.Contains(PostSuccessActions.LiftPaymentCaps, StringComparison.Ordinal) ? 1500 : null;
        var ran = await Task.WhenAll(service.RunDueAsync(Ct), second.Get<PostSuccessService>().RunDueAsync(Ct));
        Assert.Equal(4, ran.Sum()); // two deploy actions, the freeze, the win note; the review is not due yet
        Assert.Equal(0, await service.RunDueAsync(Ct) + await second.Get<PostSuccessService>().RunDueAsync(Ct));

        var actions = DeployActions();
        Assert.Equal([PostSuccessActions.LiftPaymentCaps, PostSuccessActions.RemoveInfraLock], actions.Select(a => a.Action).ToList());
        Assert.Equal($"shiproom-post-success:{id}:{PostSuccessActions.LiftPaymentCaps}", actions[0].Key);
        Assert.Equal("100%", actions[1].Body.GetProperty("phase").GetString());
        var request = _deploySystem.Received.First(r => r.Body.Contains(PostSuccessActions.RemoveInfraLock, StringComparison.Ordinal));
        Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(request.Body, Secret), request.Headers[WebhookDeployExecutor.SignatureHeader]);

        var steps = await host.Get<IPostSuccessRepository>().ListAsync(id, Ct);
        Assert.Equal([PostSuccessOutcomes.Acknowledged, PostSuccessOutcomes.Acknowledged, PostSuccessOutcomes.Done, PostSuccessOutcomes.Done],
            steps.Select(s => s.Outcome).ToList());
        Assert.Contains("change freeze", steps.Single(s => s.Action == PostSuccessSteps.ChangeFreeze).Detail);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: PaymentCapsLift.AuditKind), Ct));
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "post-success.remove-infra-lock"), Ct));
        var freeze = Assert.Single(await host.Get<IFreezeRepository>().ListSinceAsync(completedAt.AddDays(-1), Ct), w => w.Kind == FreezeKinds.ChangeFreeze);
        Assert.Equal(TimeSpan.FromHours(24), freeze.EndsAt - freeze.StartsAt);

        // The win note: a draft of its own kind, with KPI deltas vs control from the stored samples.
        var winNote = (await host.Get<PostmortemService>().GetAsync(id, Ct, DraftKinds.WinNote))!;
        Assert.Null(await host.Get<PostmortemService>().GetAsync(id, Ct)); // no postmortem for a success
        Assert.Contains("# Win note (draft)", winNote.Markdown);
        Assert.Contains("## KPI deltas vs control, stable time at 100%", winNote.Markdown);
        var p95Row = winNote.Markdown.Split('\n').First(l => l.StartsWith("| P95 latency |", StringComparison.Ordinal));
        Assert.DoesNotContain("not measured", p95Row);
        Assert.Contains("Lift payment caps: acknowledged", winNote.Markdown);

        var snapshot = (await host.Snapshots.BuildAsync(id, Ct))!;
        Assert.Equal(["acknowledged", "acknowledged", "done", "done", "pending"], snapshot.PostSuccess!.Steps.Select(s => s.Outcome).ToList());
        Assert.InRange(snapshot.PostSuccess.CohortReviewDueAt!.Value - completedAt, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Assert.False(snapshot.PostSuccess.WinNote!.IsPublished);

        // The IC may not edit the win note; a PM edits and publishes it.
        var pm = RolloutTestHost.Person("pm", Roles.ProductManager);
        var refused = await host.Get<PostmortemService>().EditAsync(id, RolloutTestHost.IncidentCommander, "x", winNote.Version, Ct, DraftKinds.WinNote);
        Assert.True(refused.Forbidden);
        var edited = await host.Get<PostmortemService>().EditAsync(id, pm, winNote.Markdown.Replace("_To be written by the PM", "Pre-warming the CDN paid off. _", StringComparison.Ordinal), winNote.Version, Ct, DraftKinds.WinNote);
        Assert.True(edited.Done, edited.Problem);
        var published = await host.Get<PostmortemService>().PublishAsync(id, pm, edited.Postmortem!.Version, Ct, DraftKinds.WinNote);
        Assert.True(published.Done, published.Problem);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "winnote.published"), Ct));

        // Seven days after GA the cohort review is due: posted once through the outbox, whichever instance looks.
        host.Time.Advance(TimeSpan.FromDays(7));
        ran = await Task.WhenAll(service.RunDueAsync(Ct), second.Get<PostSuccessService>().RunDueAsync(Ct));
        Assert.Equal(1, ran.Sum());
        await host.Get<PostDelivery>().SendDueAsync(Ct);
        await second.Get<PostDelivery>().SendDueAsync(Ct);
        var reviews = _chat.Received.Select(r => JsonDocument.Parse(r.Body).RootElement).Where(b => b.GetProperty("kind").GetString() == DraftKinds.CohortReview).ToList();
        var review = Assert.Single(reviews);
        Assert.Equal($"cohort-review:{id}", review.GetProperty("eventKey").GetString());
        Assert.StartsWith("7-day cohort review: Checkout and AI tutor routing v20261126.2", review.GetProperty("title").GetString());
        var text = review.GetProperty("text").GetString()!;
        Assert.Contains("7 days after GA", text);
        Assert.Contains("Funnels and conversion:", text);
        Assert.Contains("Unit economics:", text);
        Assert.Matches(@"B2C sign-up completion: canary [0-9.]+%, control [0-9.]+%", text);
        Assert.Equal(PostSuccessOutcomes.Done, (await host.Get<IPostSuccessRepository>().ListAsync(id, Ct)).Single(s => s.Action == PostSuccessSteps.CohortReview).Outcome);
        Assert.True((await host.Get<PostmortemService>().GetAsync(id, Ct, DraftKinds.CohortReview))!.IsPublished);
    }

    [Fact]
    public async Task A_refused_action_is_shown_failed_and_tried_again_under_the_same_key_until_acknowledged()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings());
        var id = await CompleteAsync(host);
        _deploySystem.NextStatuses.Enqueue(200);
        _deploySystem.NextStatuses.Enqueue(503);

        await host.Get<PostSuccessService>().RunDueAsync(Ct);
        var lockStep = (await host.Get<IPostSuccessRepository>().ListAsync(id, Ct)).Single(s => s.Action == PostSuccessActions.RemoveInfraLock);
        Assert.Equal((PostSuccessOutcomes.Failed, 1), (lockStep.Outcome, lockStep.Attempts));
        Assert.Contains("NOT done: executor webhook failed (webhook answered 503", lockStep.Detail);
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(RolloutId: id, Kind: "post-success.remove-infra-lock.failed"), Ct));

        await host.Get<PostSuccessService>().RunDueAsync(Ct);
        lockStep = (await host.Get<IPostSuccessRepository>().ListAsync(id, Ct)).Single(s => s.Action == PostSuccessActions.RemoveInfraLock);
        Assert.Equal((PostSuccessOutcomes.Acknowledged, 2), (lockStep.Outcome, lockStep.Attempts));
        var locks = DeployActions().Where(a => a.Action == PostSuccessActions.RemoveInfraLock).ToList();
        Assert.Equal(2, locks.Count);
        Assert.All(locks, a => Assert.Equal($"shiproom-post-success:{id}:{PostSuccessActions.RemoveInfraLock}", a.Key));
        Assert.Single(DeployActions(), a => a.Action == PostSuccessActions.LiftPaymentCaps);
    }

    [Fact]
    public async Task Without_a_deploy_system_the_actions_are_recorded_only_and_say_so()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine, settings: Settings(deploySystem: false));
        var id = await CompleteAsync(host);

        await host.Get<PostSuccessService>().RunDueAsync(Ct);

        var steps = await host.Get<IPostSuccessRepository>().ListAsync(id, Ct);
        Assert.All(steps.Where(s => PostSuccessActions.Known.Contains(s.Action)), s => Assert.Equal(PostSuccessOutcomes.RecordedOnly, s.Outcome));
        Assert.Contains("pending: no deploy system is configured", steps.Single(s => s.Action == PostSuccessActions.LiftPaymentCaps).Detail);
        Assert.Empty(_deploySystem.Received);
    }

    /// <summary>A rollout of the shipped plan moved to Completed at 100% as the state machine records it (the 2 h are walked in the first test).</summary>
    private static async Task<long> CompleteAsync(RolloutTestHost host)
    {
        var id = await host.StartRolloutAsync(plan: Plan);
        var record = (await host.Database.Rollouts.GetAsync(id, Ct))!;
        Assert.True(await host.Database.Rollouts.TryChangeStateAsync(id, record.Version,
            new RolloutStateChange(RolloutStatus.Completed, RolloutTestHost.PlanPhases(Plan) - 1, record.PhaseStartedAt, host.Time.GetUtcNow()), Ct));
        return id;
    }
}

public sealed class SqlitePostSuccessTests() : PostSuccessTests(new SqliteEngine());

public sealed class PostgresPostSuccessTests(PostgresServer server) : PostSuccessTests(new PostgresEngine(server));
