using ShipRoom.Infrastructure.Rollouts.Polling;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// What one steady poll of one rollout costs in storage, counted by SQLite's own trace on the app's composition: the
/// samples go in through one prepared single-row statement inside a transaction (on SQLite, binding a multi-row
/// statement's thousands of named parameters cost more than the rows: 142 ms for 820 rows, now 5 ms), and the rest
/// (claim, record, judge, build) stays within issue 21's budget.
/// </summary>
public sealed class PollCostTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_steady_poll_writes_its_samples_through_one_prepared_statement_and_stays_within_its_statement_budget()
    {
        await using var app = await LiveApp.CreateAsync();
        var id = await app.StartRolloutAsync();
        await app.Get<RolloutPoller>().PollAsync(id, Ct);

        app.Connections.Reset();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var outcome = await app.Get<RolloutPoller>().PollAsync(id, Ct);

        var texts = app.Connections.Texts;
        var sampleWrites = texts.Count(t => t.Contains("INSERT INTO metric_samples", StringComparison.Ordinal));
        var others = texts.Where(t => !t.Contains("INSERT INTO metric_samples", StringComparison.Ordinal)).ToList();
        var output = Xunit.TestContext.Current.TestOutputHelper;
        output?.WriteLine($"one steady poll: {outcome.Samples} samples in {sampleWrites} statement(s); {others.Count} other statements; {app.Connections.Opens} connections opened");
        foreach (var group in others.GroupBy(t => t.Length > 90 ? t[..90] : t).OrderByDescending(g => g.Count()))
        {
            output?.WriteLine($"{group.Count(),4} × {group.Key}");
        }

        Assert.Equal(PollOutcomeKind.Polled, outcome.Kind);
        Assert.True(outcome.Samples > 50, $"a minute of the shipped plan is many samples, got {outcome.Samples}");
        // One row per execution of the one prepared statement, a row per sample at most (the trace shows the values bound).
        Assert.All(texts.Where(t => t.Contains("INSERT INTO metric_samples", StringComparison.Ordinal)), t => Assert.DoesNotContain("), (", t, StringComparison.Ordinal));
        Assert.InRange(sampleWrites, 1, outcome.Samples);

        // Issue 21's budget: 15 statements and 3 connection opens. Measured 13 and 2 on 2026-12-06 (a connection before the
        // metric read, one after it; the 13th reads the mark the samples are stored from, so that no instance rewrites a
        // minute below it); 20 and 19 before the phases, decisions and panels were kept by fact version and the calls
        // shared a connection.
        Assert.DoesNotContain(others, t => t.StartsWith("PRAGMA foreign_keys", StringComparison.Ordinal));
        Assert.True(others.Count <= 15, $"one poll ran {others.Count} statements besides the sample write");
        Assert.True(app.Connections.Opens <= 3, $"one poll opened {app.Connections.Opens} connections");
    }

    [Fact]
    public async Task A_poll_reuses_the_panels_until_a_write_to_them_from_anywhere_and_then_shows_it()
    {
        await using var app = await LiveApp.CreateAsync();
        var id = await app.StartRolloutAsync();
        var poller = app.Get<RolloutPoller>();
        var views = app.Get<ShipRoom.Infrastructure.Rollouts.Snapshots.RolloutViewReader>();
        var first = await poller.PollAsync(id, Ct);
        var role = first.Snapshot!.Roster.First().Role;

        app.Time.Advance(TimeSpan.FromMinutes(1));
        var reused = views.Reused;
        await poller.PollAsync(id, Ct);
        Assert.Equal(reused + 1, views.Reused);

        // Written straight to the table, as another instance (or any code path) would: nothing here is told of it.
        await new ShipRoom.Infrastructure.Storage.RosterRepository(app.Get<ShipRoom.Infrastructure.Storage.IDbConnectionFactory>())
            .UpsertAsync(id, new ShipRoom.Infrastructure.Storage.RosterEntry(role, "Zed Example", null, null, null, null, null, null, null, 1), Ct);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await poller.PollAsync(id, Ct);

        Assert.Equal(reused + 1, views.Reused);
        Assert.Equal("Zed Example", after.Snapshot!.Roster.Single(r => r.Role == role).Entry?.PrimaryName);

        // The judge's own facts the same way: a decision recorded straight to the table is in the next assessment.
        var assessor = app.Get<ShipRoom.Infrastructure.Rollouts.RolloutAssessor>();
        var rollouts = app.Get<ShipRoom.Infrastructure.Storage.IRolloutRepository>();
        var factsReused = assessor.FactsReused;
        await assessor.AssessAsync((await rollouts.GetAsync(id, Ct))!, Ct);
        Assert.Equal(factsReused + 1, assessor.FactsReused);
        var (decision, _) = await app.Get<ShipRoom.Infrastructure.Storage.IDecisionRepository>().RecordAsync(new ShipRoom.Infrastructure.Storage.DecisionDraft(
            id, ShipRoom.Core.Rollouts.RolloutCommand.Approve, "ceo", "ok at 10%", "approve:elsewhere", app.Time.GetUtcNow(), ShipRoom.Core.Rollouts.DecisionOutcome.Pending, "Running", null), Ct);
        var judged = await assessor.AssessAsync((await rollouts.GetAsync(id, Ct))!, Ct);
        Assert.Equal(factsReused + 1, assessor.FactsReused);
        Assert.Contains(judged.Decisions, d => d.Id == decision.Id);
    }
}
