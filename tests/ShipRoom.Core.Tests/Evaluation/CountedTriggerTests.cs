using ShipRoom.Core.Evaluation;
using static ShipRoom.Core.Tests.ExtendedPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>"&gt; 5 consecutive payment failures", "more than 3 scale events in 10 minutes", "cumulative 5xx ≤ 5 minutes".</summary>
public sealed class CountedTriggerTests
{
    private const string FailureRun = """
        triggers:
          - key: payment-failure-run
            name: More than 5 consecutive payment failures
            consecutive: {events: payment_failures, others: payment_successes, moreThan: 5}
            action: rollback
        """;

    [Fact]
    public void Failures_in_minutes_without_a_success_add_up_to_a_run()
    {
        var samples = Canary("payment_failures", 3, 3).Concat(Canary("payment_successes", 0, 0));

        var verdict = Judge(FailureRun, samples, 2);

        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(1), verdict.FiredAt);
        Assert.Contains("6 consecutive payment failures (more than 5)", verdict.Reason);
    }

    [Theory]
    [InlineData(6, 10, false)] // six failures among ten successes: a run of 1 is all that is certain
    [InlineData(12, 1, true)] // twelve failures around one success: at least 6 in a row
    [InlineData(5, 0, false)] // exactly five: not more than five
    public void A_minute_with_successes_counts_only_the_run_that_must_have_happened(double failures, double successes, bool fires)
    {
        var samples = Canary("payment_failures", failures).Concat(Canary("payment_successes", successes));

        Assert.Equal(fires ? TriggerState.Fired : TriggerState.Idle, Judge(FailureRun, samples, 1).State);
    }

    [Fact]
    public void A_success_ends_the_run()
    {
        var samples = Canary("payment_failures", 3, 0, 3).Concat(Canary("payment_successes", 0, 4, 0));

        Assert.NotEqual(TriggerState.Fired, Judge(FailureRun, samples, 3).State);
    }

    [Fact]
    public void More_than_three_scale_events_in_ten_minutes_fires_on_the_fourth()
    {
        const string thrash = """
            triggers:
              - key: scale-thrash
                name: No thrashing (more than 3 scale events in 10 minutes)
                count: {metric: scale_events, moreThan: 3, in: 10m}
                action: hold
            """;
        var samples = Canary("scale_events", 1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0);

        Assert.Equal(TriggerState.Idle, Judge(thrash, samples.Take(8), 8).State);
        var verdict = Judge(thrash, samples, 11);
        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(8), verdict.FiredAt);
        Assert.Contains("4 scale events in the 10 minutes to 10:09 UTC (more than 3)", verdict.Reason);
    }

    [Fact]
    public void Three_events_spread_beyond_the_window_do_not_fire()
    {
        const string thrash = """
            triggers:
              - key: scale-thrash
                count: {metric: scale_events, moreThan: 3, in: 10m}
                action: hold
            """;
        double?[] events = [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1];

        Assert.Equal(TriggerState.Idle, Judge(thrash, Canary("scale_events", events), events.Length).State);
    }

    [Fact]
    public void Cumulative_minutes_in_breach_add_up_over_the_phase_where_a_streak_would_reset()
    {
        const string cumulative = """
            triggers:
              - key: cumulative-5xx
                name: Cumulative 5xx over 5 minutes
                metric: error_rate_pct
                fires: '> 0.5 %'
                cumulative: '> 5m'
                action: hold
            """;
        double?[] errors = [0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1];

        Assert.Equal(TriggerState.Arming, Judge(cumulative, Canary("error_rate_pct", errors), 10).State);
        var verdict = Judge(cumulative, Canary("error_rate_pct", errors), 12);
        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(10), verdict.FiredAt);
        Assert.Contains("6 minutes in breach this phase", verdict.Reason);
    }
}
