using ShipRoom.Core.Evaluation;
using static ShipRoom.Core.Tests.ExtendedPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>Payment caps enforced from metrics (100 tx, $20 each, $1,500 in total, through 25%) and external signals (any P0/P1, PII risk).</summary>
public sealed class CapAndSignalTriggerTests
{
    private const string Caps = """
        paymentCaps:
          transactions: 100
          maxPerTransaction: 20
          total: 1500
          transactionsMetric: payment_transactions
          dollarsMetric: payment_dollars
          largestTransactionMetric: payment_largest
          through: 10%
          onBreach: hold
        """;

    [Fact]
    public void The_hundred_and_first_transaction_breaches_the_cap()
    {
        var samples = Canary("payment_transactions", Repeat(10, 11)).Concat(Canary("payment_dollars", Repeat(100, 11))).Concat(Canary("payment_largest", Repeat(15, 11)));

        Assert.Equal(TriggerState.Idle, Judge(Caps, samples, 10, key: "cap-transactions").State); // exactly 100: allowed
        var verdict = Judge(Caps, samples, 11, key: "cap-transactions");
        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Equal(Start.AddMinutes(10), verdict.FiredAt);
        Assert.Contains("110 live transactions since the rollout began (cap 100)", verdict.Reason);
        Assert.Equal(ShipRoom.Core.Plans.TriggerAction.Hold, verdict.Action);
        Assert.Equal(TriggerState.Idle, Judge(Caps, samples, 11, key: "cap-total").State); // $1,100 of $1,500
    }

    [Fact]
    public void A_single_transaction_over_twenty_dollars_and_a_total_over_1500_each_breach()
    {
        var samples = Canary("payment_transactions", Repeat(5, 4)).Concat(Canary("payment_dollars", 100, 100, 1400, 10)).Concat(Canary("payment_largest", 15, 20, 20.01, 12));

        Assert.Equal(Start.AddMinutes(2), Judge(Caps, samples, 4, key: "cap-per-transaction").FiredAt);
        Assert.Contains("a transaction of $20.01 (cap $20 each)", Judge(Caps, samples, 4, key: "cap-per-transaction").Reason);
        Assert.Equal(Start.AddMinutes(2), Judge(Caps, samples, 4, key: "cap-total").FiredAt);
    }

    [Fact]
    public void Caps_through_a_phase_are_lifted_after_it_once_the_deploy_system_acknowledged_the_lift()
    {
        var samples = Canary("payment_transactions", Repeat(50, 4)).Concat(Canary("payment_dollars", Repeat(100, 4))).Concat(Canary("payment_largest", Repeat(30, 4)));

        var verdict = Judge(Caps, samples, 4, phase: 1, key: "cap-transactions", capsLifted: true);

        Assert.Equal(TriggerState.Stopped, verdict.State);
        Assert.Contains("lifted after phase 10%", verdict.Reason);
    }

    [Fact]
    public void Past_the_caps_last_phase_with_the_lift_not_acknowledged_the_caps_still_hold()
    {
        var samples = Canary("payment_transactions", Repeat(50, 4)).Concat(Canary("payment_dollars", Repeat(100, 4))).Concat(Canary("payment_largest", Repeat(30, 4)));

        var verdict = Judge(Caps, samples, 4, phase: 1, key: "cap-per-transaction");

        Assert.Equal(TriggerState.Fired, verdict.State);
        Assert.Contains("a transaction of $30 (cap $20 each)", verdict.Reason);
    }

    [Fact]
    public void A_p0_signal_fires_when_it_is_raised_and_says_who_raised_it()
    {
        const string signals = """
            signals:
              - kind: p0
                action: rollback
                name: Any P0 opened
              - kind: pii-risk
                action: rollback
            """;
        var raised = new ExternalSignal(1, "p0", "pagerduty", "Checkout down in us-west-2", "https://pd.example.com/incidents/1", "token:pagerduty-bot", Start.AddSeconds(210));

        var p0 = Judge(signals, [], 2, [raised], key: "signal-p0");
        var pii = Judge(signals, [], 2, [raised], key: "signal-pii-risk");

        Assert.Equal(TriggerState.Fired, p0.State);
        Assert.Equal(raised.RaisedAt, p0.FiredAt);
        Assert.Contains("p0 raised by token:pagerduty-bot via pagerduty at 10:03 UTC: Checkout down in us-west-2", p0.Reason);
        Assert.Single(p0.Signals);
        Assert.Equal(TriggerState.Idle, pii.State);
    }

    [Fact]
    public void A_signal_raised_before_the_trigger_start_does_not_fire_again_after_a_resume()
    {
        const string signals = """
            signals:
              - kind: p1
                action: hold
            """;
        var old = new ExternalSignal(1, "p1", "ops", "old", null, "alice", Start.AddMinutes(-5));

        Assert.Equal(TriggerState.Idle, Judge(signals, [], 2, [old]).State);
    }
}
