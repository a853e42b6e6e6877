using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Tests.ShippedPlans;

/// <summary>
/// Directive 000's autoscale and telemetry gates at their boundaries, on plans/directive-000-staging-soak-then-10-50-100.yaml
/// as it ships: "scale-up within 60 seconds under 2× projected peak", "dropped/late events &lt; 0.1%".
/// </summary>
public sealed class Directive000RulesTests
{
    [Theory]
    [InlineData(60.0, true)]
    [InlineData(60.1, false)]
    public void Scale_up_passes_up_to_60_seconds_under_2x_peak(double seconds, bool passes)
    {
        var plan = ShippedPlan.Soak().Set("scale_up_seconds", Cohort.Canary, null, _ => seconds);

        var verdict = plan.Judge("soak 2x", 0, 30);

        Assert.Equal(passes, verdict.Gates.Single(g => g.Key == "scale-up-60s").Status.Passes());
    }

    [Fact]
    public void The_scale_up_gate_judges_only_the_2x_soak()
    {
        var plan = ShippedPlan.Soak().Set("scale_up_seconds", Cohort.Canary, null, _ => 90);

        Assert.DoesNotContain(plan.Judge("soak 1.5x", 0, 30).Gates, g => g.Key == "scale-up-60s");
    }

    [Theory]
    [InlineData(0.099, true)]
    [InlineData(0.1, false)]
    public void Dropped_or_late_events_pass_under_a_tenth_of_a_percent(double percent, bool passes)
    {
        var plan = ShippedPlan.Soak().Set("events_dropped_late_pct", Cohort.Canary, null, _ => percent);

        var gate = plan.Judge("soak 1.5x", 0, 30).Gates.Single(g => g.Key == "events-dropped-late");

        Assert.Equal(passes, gate.Status.Passes());
    }
}
