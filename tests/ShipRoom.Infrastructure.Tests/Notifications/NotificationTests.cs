using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Core.Rollouts;
using System.Text.Json;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Tests.Probes;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>
/// #ship-room posts end to end: a receiver on 127.0.0.1 stands in for Slack, Teams and the generic webhook, and the
/// rollout runs on the simulator through the real poller, command service and outbox.
/// </summary>
public abstract class NotificationTests(IStorageEngine engine) : IAsyncDisposable
{
    private const string WebhookSecret = "a-signing-secret-of-enough-length";
    private readonly LocalEndpoint _chat = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _chat.DisposeAsync();

    private Task<RolloutTestHost> HostAsync() => RolloutTestHost.CreateAsync(engine, settings: new Dictionary<string, string?>
    {
        ["ShipRoom:Notifications:Slack:WebhookUrl"] = _chat.Url("slack"),
        ["ShipRoom:Notifications:Teams:WebhookUrl"] = _chat.Url("teams"),
        ["ShipRoom:Notifications:Webhook:Url"] = _chat.Url("hook"),
        ["ShipRoom:Notifications:Webhook:Secret"] = WebhookSecret,
        ["ShipRoom:Notifications:DashboardUrl"] = "https://shiproom.example.com",
    });

    private List<(string Path, JsonElement Body, System.Collections.Specialized.NameValueCollection Headers, string Raw)> Received(string path) =>
        _chat.Received.Where(r => r.Path == "/" + path).Select(r => (r.Path, JsonDocument.Parse(r.Body).RootElement, r.Headers, r.Body)).ToList();

    /// <summary>The outbox's two halves, as the background job runs them.</summary>
    private sealed class Outbox(RolloutTestHost host)
    {
        public Task<int> QueueDueAsync(CancellationToken cancellationToken) => host.Get<PostQueue>().QueueDueAsync(cancellationToken);

        public Task<int> SendDueAsync(CancellationToken cancellationToken) => host.Get<PostDelivery>().SendDueAsync(cancellationToken);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await QueueDueAsync(cancellationToken);
            await SendDueAsync(cancellationToken);
        }
    }

    private static JsonElement WebhookPost(IEnumerable<(string Path, JsonElement Body, System.Collections.Specialized.NameValueCollection Headers, string Raw)> posts, string kind) =>
        posts.Single(p => p.Body.GetProperty("kind").GetString() == kind).Body;

    [Fact]
    public async Task The_t0_post_reaches_slack_teams_and_the_webhook_each_in_its_own_shape()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync();
        var service = new Outbox(host);

        Assert.Equal(3, await service.QueueDueAsync(Ct));
        Assert.Equal(3, await service.SendDueAsync(Ct));

        var slack = Assert.Single(Received("slack")).Body;
        Assert.Equal("header", slack.GetProperty("blocks")[0].GetProperty("type").GetString());
        var slackText = string.Join("\n", slack.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "section").Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Contains("T-0: v20261126.2 (9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b) is starting at 1%", slack.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains("Started by releng", slackText);
        Assert.Equal($"https://shiproom.example.com/rollouts/{id}", slack.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "actions")
            .GetProperty("elements")[0].GetProperty("url").GetString());

        var teams = Assert.Single(Received("teams")).Body;
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var attachment = teams.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        var card = attachment.GetProperty("content");
        Assert.Equal(("AdaptiveCard", "1.4"), (card.GetProperty("type").GetString(), card.GetProperty("version").GetString()));
        Assert.StartsWith("T-0: v20261126.2", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal("Action.OpenUrl", card.GetProperty("actions")[0].GetProperty("type").GetString());

        var (_, hook, headers, raw) = Assert.Single(Received("hook"));
        Assert.Equal(("t-0", $"decision:", id), (hook.GetProperty("kind").GetString(), hook.GetProperty("eventKey").GetString()![..9], hook.GetProperty("rolloutId").GetInt64()));
        Assert.Contains("9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", hook.GetProperty("title").GetString());
        Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(raw, WebhookSecret), headers[WebhookDeployExecutor.SignatureHeader]);
        Assert.DoesNotContain(_chat.Url("slack"), raw);
    }

    [Fact]
    public async Task A_post_that_meets_a_500_is_retried_with_backoff_and_delivered_once()
    {
        await using var host = await HostAsync();
        await host.StartRolloutAsync();
        var service = new Outbox(host);
        await service.QueueDueAsync(Ct);
        _chat.NextStatuses.Enqueue(500);

        var first = await service.SendDueAsync(Ct);
        var outbox = host.Get<INotificationRepository>();
        var waiting = (await outbox.ListDueAsync(host.Time.GetUtcNow().AddHours(1), 10, Ct)).Single();
        Assert.Equal(2, first);
        Assert.Equal((1, "slack answered HTTP 500"), (waiting.Attempts, waiting.LastError));
        Assert.Equal(0, await service.SendDueAsync(Ct)); // not before its backoff

        host.Time.Advance(PostDelivery.Backoff(1));
        Assert.Equal(1, await service.SendDueAsync(Ct));
        Assert.Equal(0, await service.QueueDueAsync(Ct)); // the same event is not queued again
        Assert.Equal(0, await service.SendDueAsync(Ct));
        Assert.Equal(2, Received("slack").Count); // the 500, then the delivery
        Assert.Single(Received("teams"));
        Assert.Single(Received("hook"));
    }

    [Fact]
    public async Task A_channel_that_refuses_the_address_fails_for_good_and_the_dashboard_shows_it()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync();
        var service = new Outbox(host);
        await service.QueueDueAsync(Ct);
        _chat.NextStatuses.Enqueue(404);

        await service.SendDueAsync(Ct);

        var posts = (await host.Snapshots.BuildAsync(id, Ct))!.Posts;
        var failed = Assert.Single(posts, p => p.Status == NotificationStates.Failed);
        Assert.Equal(ChannelNames.Slack, failed.Channel);
        Assert.Contains("HTTP 404", failed.LastError);
        Assert.Equal(2, posts.Count(p => p.Status == NotificationStates.Sent));
    }

    [Fact]
    public async Task Hold_and_rollback_are_posted_with_who_why_and_the_time_to_rollback_and_no_pii()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync();
        var service = new Outbox(host);
        await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.Hold, RolloutTestHost.IncidentCommander, "checkout P95 creeping; paging jane.doe@example.com on +1 415 555 0134"), Ct);
        await host.Commands.ExecuteAsync(new CommandRequest(id, RolloutCommand.RollBack, RolloutTestHost.IncidentCommander, "regression confirmed"), Ct);

        await service.QueueDueAsync(Ct);
        await service.SendDueAsync(Ct);

        var posts = Received("hook");
        var hold = WebhookPost(posts, PostKinds.Hold);
        Assert.Equal("warning", hold.GetProperty("severity").GetString());
        Assert.Contains("HOLD: v20261126.2 held at 1%", hold.GetProperty("title").GetString());
        var holdText = hold.GetProperty("text").GetString()!;
        Assert.Contains("By ic: checkout P95 creeping", holdText);
        Assert.DoesNotContain("jane.doe@example.com", holdText);
        Assert.DoesNotContain("555 0134", holdText);
        Assert.Contains("[email]", holdText);
        var rollback = WebhookPost(posts, PostKinds.Rollback);
        Assert.Equal("critical", rollback.GetProperty("severity").GetString());
        // No deploy system is configured in this test: nothing was sent, so nothing was measured, and the post says so.
        Assert.Contains("Time to rollback: not measured (nothing was sent to a deploy system)", rollback.GetProperty("text").GetString());
        Assert.Contains("recorded only — carry it out by runbook", rollback.GetProperty("text").GetString());
        Assert.All(_chat.Received, r => Assert.DoesNotContain("jane.doe", r.Body));
    }

    [Fact]
    public async Task The_cadence_report_carries_the_snapshots_numbers_and_tags_the_executive_on_red()
    {
        await using var host = await HostAsync();
        // Reports every 5 minutes, so the first comes while the regression is RED but before any trigger has held long enough.
        var id = await host.StartRolloutAsync("latency-regression", editPlan: plan => plan.Replace("    traffic: 1\n    observe: 15m\n", "    traffic: 1\n    observe: 15m\n    reportEvery: 5m\n"));
        await host.Get<RosterService>().UpdateAsync(id, new RosterEntry("executive", "Casey CEO", "+1 415 555 0100", "U0EXEC42", "UTC", null, null, null, null, 7),
            RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var service = new Outbox(host);
        host.Time.Advance(TimeSpan.FromMinutes(6));
        await host.Poller.PollAsync(id, Ct);

        await service.QueueDueAsync(Ct);
        await service.SendDueAsync(Ct);

        var snapshot = (await host.Snapshots.BuildAsync(id, Ct))!;
        var report = WebhookPost(Received("hook"), PostKinds.CadenceReport);
        var text = report.GetProperty("text").GetString()!;
        foreach (var metric in snapshot.Panels.Single(p => p.Panel == Core.Plans.MetricPanel.Latency).Metrics)
        {
            Assert.Contains(PostComposer.MetricLine(metric), text);
        }

        Assert.Contains(PostComposer.MetricLine(snapshot.Panels.SelectMany(p => p.Metrics).Single(m => m.Key == "payments_e2e_success_pct")), text);
        Assert.Contains($"Recommendation: {snapshot.Verdict!.Recommendation.Text}", text);
        Assert.Contains("Top anomalies:\n1. RED: ", text);
        Assert.Equal("critical", report.GetProperty("severity").GetString());
        Assert.Equal("U0EXEC42", report.GetProperty("mentions")[0].GetString());
        Assert.DoesNotContain("555 0100", Received("hook").Select(p => p.Raw).Aggregate((a, b) => a + b));

        var slackReport = Received("slack").Single(p => p.Raw.Contains("report")).Body;
        Assert.StartsWith("<@U0EXEC42> v20261126.2 at 1%", slackReport.GetProperty("text").GetString());
        Assert.Contains("<@U0EXEC42> RED: ", slackReport.GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString());
        var teamsReport = Received("teams").Single(p => p.Raw.Contains("report")).Body.GetProperty("attachments")[0].GetProperty("content");
        // A Slack member id is no Teams user: Teams gets the handle as bold text, not a mention entity it would refuse.
        Assert.Equal(0, teamsReport.GetProperty("msteams").GetProperty("entities").GetArrayLength());
        Assert.StartsWith("@U0EXEC42 RED: ", teamsReport.GetProperty("body")[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_healthy_report_does_not_tag_the_executive_and_each_report_interval_posts_once()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync();
        await host.Get<RosterService>().UpdateAsync(id, new RosterEntry("executive", "Casey CEO", null, "U0EXEC42", "UTC", null, null, null, null, 7),
            RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var service = new Outbox(host);
        host.Time.Advance(TimeSpan.FromMinutes(14));
        await host.Poller.PollAsync(id, Ct);
        await service.QueueDueAsync(Ct);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.Poller.PollAsync(id, Ct);
        await service.QueueDueAsync(Ct);
        await service.QueueDueAsync(Ct);
        await service.SendDueAsync(Ct);

        var reports = Received("hook").Where(p => p.Body.GetProperty("kind").GetString() == PostKinds.CadenceReport).ToList();
        var report = Assert.Single(reports).Body;
        Assert.Equal(0, report.GetProperty("mentions").GetArrayLength());
        Assert.Contains("Top anomalies:", report.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_fired_trigger_is_posted_once_and_names_its_action()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync("latency-regression");
        var service = new Outbox(host);
        for (var i = 0; i < 6; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(5));
            await host.Poller.PollAsync(id, Ct);
            await service.QueueDueAsync(Ct);
        }

        await service.SendDueAsync(Ct);

        var triggers = Received("hook").Where(p => p.Body.GetProperty("kind").GetString() == PostKinds.TriggerFired).Select(p => p.Body).ToList();
        Assert.NotEmpty(triggers);
        Assert.Equal(triggers.Count, triggers.Select(t => t.GetProperty("eventKey").GetString()).Distinct().Count());
        Assert.All(triggers, t => Assert.Matches("Trigger fired: .+ → (ROLLBACK|HOLD)", t.GetProperty("title").GetString()!));
        Assert.Contains(Received("hook"), p => p.Body.GetProperty("kind").GetString() is PostKinds.Rollback or PostKinds.Hold);
    }

    [Fact]
    public async Task Release_engineering_rewords_a_post_and_an_unknown_placeholder_is_refused_with_its_line()
    {
        await using var host = await HostAsync();
        var templates = host.Get<PostTemplateService>();
        var releng = RolloutTestHost.Person("releng", Roles.ReleaseEngineer);

        var viewer = await templates.SaveAsync(RolloutTestHost.Person("v", Roles.Viewer), PostKinds.T0, "T-0 {release}", Ct);
        var unknown = await templates.SaveAsync(releng, PostKinds.T0, "T-0 {release}\nowner: {owner}", Ct);
        var saved = await templates.SaveAsync(releng, PostKinds.T0, "Go time for {release} ({commit})\nTraffic: {traffic}", Ct);
        var id = await host.StartRolloutAsync();
        var service = new Outbox(host);
        await service.QueueDueAsync(Ct);
        await service.SendDueAsync(Ct);

        Assert.True(viewer.Forbidden);
        Assert.False(unknown.Saved);
        Assert.StartsWith("line 2: {owner} is not a placeholder of 't-0' posts", Assert.Single(unknown.Problems));
        Assert.True(saved.Saved);
        var t0 = WebhookPost(Received("hook"), PostKinds.T0);
        Assert.Equal("Go time for v20261126.2 (9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b)", t0.GetProperty("title").GetString());
        Assert.Equal("Traffic: 1% of traffic", t0.GetProperty("text").GetString());
        Assert.Single(await host.Database.Audit.QueryAsync(new AuditQuery(Kind: "notifications.template.saved"), Ct));
        Assert.True(id > 0);
    }

    [Fact]
    public async Task A_scheduled_rollout_posts_t_minus_2h_with_region_and_roster_then_t_minus_1h_with_the_preflight()
    {
        await using var host = await HostAsync();
        var created = await host.Rollouts.CreateAsync(RolloutTestHost.PlanText(), "plan.yaml", RolloutTestHost.Person("releng", Roles.ReleaseEngineer),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings("healthy")), Ct);
        var id = created.RolloutId!.Value;
        await host.Get<RosterService>().UpdateAsync(id, new RosterEntry("incident-commander", "Ines IC", "+1 415 555 0199", "U0IC0001", "UTC", "Bo Backup", null, "U0BK0002", "UTC", 1),
            RolloutTestHost.Person("releng", Roles.ReleaseEngineer), Ct);
        var service = new Outbox(host);
        var t0 = new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero);

        Assert.Equal(0, await service.QueueDueAsync(Ct)); // two days before T-0: nothing yet
        host.Time.Advance(t0.AddMinutes(-110) - host.Time.GetUtcNow());
        await service.QueueDueAsync(Ct);
        host.Time.Advance(TimeSpan.FromMinutes(60));
        await service.QueueDueAsync(Ct);
        await service.SendDueAsync(Ct);

        var t2h = WebhookPost(Received("hook"), PostKinds.TMinus2h);
        Assert.Equal("T-2h: v20261126.2 canary in us-west-1 at 2026-11-27 16:00 UTC", t2h.GetProperty("title").GetString());
        var t2hText = t2h.GetProperty("text").GetString()!;
        Assert.Contains("DRI roster:", t2hText);
        Assert.Contains(": U0IC0001 (backup U0BK0002)", t2hText);
        Assert.Contains("MISSING", t2hText); // roles nobody has filled in yet
        Assert.DoesNotContain("555 0199", t2hText);
        Assert.DoesNotContain("Ines IC", t2hText);
        var t1h = WebhookPost(Received("hook"), PostKinds.TMinus1h);
        Assert.Matches(@"^T-1h: v20261126\.2 pre-flight 0 of \d+ done$", t1h.GetProperty("title").GetString()!);
        Assert.Contains("Security sign-off: NOT YET signed off", t1h.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Every_post_kind_composes_a_title_and_body_and_each_channel_payload_has_its_shape()
    {
        await using var host = await HostAsync();
        var id = await host.StartRolloutAsync();
        host.Time.Advance(TimeSpan.FromMinutes(20));
        await host.Poller.PollAsync(id, Ct);
        var snapshot = (await host.Snapshots.BuildAsync(id, Ct))!;
        var plan = Core.Plans.PlanParser.Parse(RolloutTestHost.PlanText(), "plan.yaml").Plan!;
        var decision = new DecisionRecord(9, id, RolloutCommand.Approve, "ceo", "numbers are fine", "k", host.Time.GetUtcNow(), host.Time.GetUtcNow(), host.Time.GetUtcNow().AddSeconds(3), DecisionOutcome.Executed, null, "Running", "Running at 1%", null);
        var summary = new PhaseSummaryRecord(4, id, 0, "pm", "All **green** at 1%.", "GO", "{}", host.Time.GetUtcNow());
        var trigger = new Core.Evaluation.TriggerVerdict("p95", "P95 > 120 ms", Core.Plans.TriggerAction.Hold, Core.Evaluation.TriggerState.Fired, TimeSpan.FromMinutes(10), TimeSpan.Zero, 10, 10,
            host.Time.GetUtcNow().AddMinutes(-10), host.Time.GetUtcNow(), "> 120 ms", "checkout 131 ms");

        foreach (var kind in PostKinds.All)
        {
            var isSummary = kind.Key == PostKinds.PhaseSummary;
            var post = PostComposer.Compose(new PostEvent(kind.Key, $"test:{kind.Key}", isSummary ? null : decision, isSummary ? summary : null, trigger), snapshot, plan, kind.DefaultTemplate, "https://shiproom.example.com");

            Assert.False(string.IsNullOrWhiteSpace(post.Title), kind.Key);
            Assert.DoesNotContain("{", post.Title);
            Assert.False(string.IsNullOrWhiteSpace(post.Body), kind.Key);
            var expected = kind.Key switch
            {
                PostKinds.TriggerFired => "Trigger fired: P95 > 120 ms → HOLD",
                PostKinds.PhaseSummary => "Phase summary for 1% by pm: GO",
                PostKinds.ApprovalGiven => "Approved: v20261126.2 1% → 10% by ceo",
                PostKinds.GateResults => "Gate results at 1%: GREEN",
                _ => "v20261126.2",
            };
            Assert.True(post.Title.Contains(expected, StringComparison.Ordinal), $"{kind.Key}: {post.Title}");
            var slack = JsonDocument.Parse(ChannelPayloads.Slack(post)).RootElement;
            Assert.Equal("header", slack.GetProperty("blocks")[0].GetProperty("type").GetString());
            var teams = JsonDocument.Parse(ChannelPayloads.Teams(post)).RootElement;
            Assert.Equal("AdaptiveCard", teams.GetProperty("attachments")[0].GetProperty("content").GetProperty("type").GetString());
            var hook = JsonDocument.Parse(ChannelPayloads.Webhook(post)).RootElement;
            Assert.Equal((kind.Key, post.Title), (hook.GetProperty("kind").GetString(), hook.GetProperty("title").GetString()));
        }
    }

    [Fact]
    public async Task Without_a_channel_nothing_is_queued()
    {
        await using var host = await RolloutTestHost.CreateAsync(engine);
        await host.StartRolloutAsync();

        await new Outbox(host).RunAsync(Ct);

        Assert.Empty(await host.Get<INotificationRepository>().ListDueAsync(host.Time.GetUtcNow().AddDays(1), 10, Ct));
        Assert.Empty(_chat.Received);
    }
}

public sealed class SqliteNotificationTests() : NotificationTests(new SqliteEngine());

public sealed class PostgresNotificationTests(PostgresServer server) : NotificationTests(new PostgresEngine(server));
