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

    [Fact]
    public async Task A_poll_whose_judgement_moved_writes_its_changes_without_reading_the_history_first()
    {
        await using var app = await LiveApp.CreateAsync();
        var id = await app.StartRolloutAsync();
        await app.Get<RolloutPoller>().PollAsync(id, Ct);
        var history = app.Get<ShipRoom.Infrastructure.Storage.IJudgementHistoryRepository>();
        var at = app.Time.GetUtcNow();

        // A gate fails and a trigger fires in the same judgement, as when a canary goes bad: two rows, two tables.
        app.Connections.Reset();
        var written = await history.RecordChangesAsync(id,
            [new ShipRoom.Infrastructure.Storage.GateResultRecord(at, 0, "error-rate", "FAIL", 0.9, 0.1, "canary 0.9% vs 0.1%")],
            [new ShipRoom.Infrastructure.Storage.TriggerResultRecord(at, 0, "error-spike", "Firing", 60, "held 60 s")], Ct);

        Assert.Equal(2, written);
        // One statement a table: a poll that records changes costs 2 more than a steady one. It read the last rows of
        // both tables in a transaction before and wrote a row a statement: 4 + one per change more.
        Assert.Equal(2, app.Connections.Texts.Count(t => !t.StartsWith("-- ", StringComparison.Ordinal)));
        Assert.DoesNotContain(app.Connections.Texts, t => t.StartsWith("SELECT", StringComparison.Ordinal));

        // What was written is what the history holds, and the next unchanged judgement writes nothing.
        Assert.Contains(await history.ListGatesAsync(id, Ct), g => g is { GateKey: "error-rate", Status: "FAIL", Detail: "canary 0.9% vs 0.1%" });
        Assert.Contains(await history.ListTriggersAsync(id, Ct), t => t is { TriggerKey: "error-spike", State: "Firing", HeldForSeconds: 60 });
        app.Connections.Reset();
        Assert.Equal(0, await history.RecordChangesAsync(id,
            [new ShipRoom.Infrastructure.Storage.GateResultRecord(at.AddMinutes(1), 0, "error-rate", "FAIL", 0.8, 0.1, null)],
            [new ShipRoom.Infrastructure.Storage.TriggerResultRecord(at.AddMinutes(1), 0, "error-spike", "Firing", 120, null)], Ct));
        Assert.Empty(app.Connections.Texts);
    }
}
