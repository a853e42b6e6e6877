using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ShipRoom.Core.Evaluation;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class RolloutHeaderTests : ComponentTestContext
{
    [Fact]
    public void The_header_shows_release_phase_progress_verdict_and_reasons()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)))));

        Assert.Contains("v20261125.1", header.Markup);
        Assert.Contains("3f6c2a9e8b", header.Find("code").TextContent);
        Assert.Equal("1% of traffic — phase 1 of 2", header.Find("[data-phase]").TextContent);
        Assert.Equal("6 of 15 min", header.Find("[data-observed]").TextContent);
        Assert.Equal("CONTINUE", header.Find("[data-recommendation]").GetAttribute("data-recommendation"));
        Assert.Contains("6 of 15 minutes observed", header.Find(".reasons").TextContent);
        Assert.DoesNotContain("STALE", header.Markup);
    }

    [Fact]
    public void Stale_data_is_shown_as_stale_with_the_source_problem_not_as_green()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)), stale: true)));

        Assert.Contains("STALE — no successful poll since", header.Find("[role=alert]").TextContent);
        Assert.Contains("Prometheus unreachable", header.Markup);
    }

    [Fact]
    public void Without_a_verdict_the_overall_status_is_no_data()
    {
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, Snapshot(null)));

        Assert.Equal("NO DATA", header.Find("[data-status]").GetAttribute("data-status"));
    }

    [Fact]
    public void A_snapshot_that_is_never_rebuilt_turns_stale_on_the_viewers_clock()
    {
        // The instance's polls stopped: no new snapshot arrives, only time passes.
        var clock = new FakeTimeProvider(Now);
        Services.AddSingleton<TimeProvider>(clock);
        var fresh = Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)));
        var snapshot = fresh with { Poll = fresh.Poll with { StaleAt = Now.AddMinutes(2).AddSeconds(30) } };
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Empty(header.FindAll("[data-stale]"));
        Assert.Contains("polled", header.Markup);

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(header.FindAll("[data-stale]"));

        clock.Advance(TimeSpan.FromSeconds(31));
        header.WaitForAssertion(() => Assert.Contains("STALE — no successful poll since", header.Find("[data-stale]").TextContent), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_stale_check_wakes_when_the_data_turns_stale_not_every_second()
    {
        var clock = new CountingTime(new FakeTimeProvider(Now));
        Services.AddSingleton<TimeProvider>(clock);
        var fresh = Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)));
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, fresh with { Poll = fresh.Poll with { StaleAt = Now.AddSeconds(30) } }));
        for (var second = 0; second < 20; second++)
        {
            clock.Inner.Advance(TimeSpan.FromSeconds(1));
        }

        // A newer poll moves the moment: nothing fires at the old one.
        header.Render(p => p.Add(x => x.Snapshot, fresh with { Poll = fresh.Poll with { StaleAt = Now.AddSeconds(60) } }));
        for (var second = 20; second < 60; second++)
        {
            clock.Inner.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, clock.Fired);
        Assert.Empty(header.FindAll("[data-stale]"));
        clock.Inner.Advance(TimeSpan.FromSeconds(1));
        header.WaitForAssertion(() => Assert.Contains("STALE — no successful poll since", header.Find("[data-stale]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(1, clock.Fired);
    }

    /// <summary>A test clock that counts the timer callbacks it runs.</summary>
    private sealed class CountingTime(FakeTimeProvider inner) : TimeProvider
    {
        private int _fired;

        public FakeTimeProvider Inner => inner;

        public int Fired => Volatile.Read(ref _fired);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(s =>
            {
                Interlocked.Increment(ref _fired);
                callback(s);
            }, state, dueTime, period);
    }

    [Fact]
    public void A_fresh_poll_after_stale_data_clears_the_notice()
    {
        var clock = new FakeTimeProvider(Now);
        Services.AddSingleton<TimeProvider>(clock);
        var snapshot = Snapshot(Verdict(Gate("p95", GateStatus.Green, 96)));
        var old = snapshot with { Poll = snapshot.Poll with { StaleAt = Now.AddSeconds(-1) } };
        var header = Render<RolloutHeader>(p => p.Add(x => x.Snapshot, old));
        Assert.NotEmpty(header.FindAll("[data-stale]"));

        header.Render(p => p.Add(x => x.Snapshot, snapshot with { Poll = snapshot.Poll with { StaleAt = Now.AddMinutes(2) } }));

        Assert.Empty(header.FindAll("[data-stale]"));
    }
}
