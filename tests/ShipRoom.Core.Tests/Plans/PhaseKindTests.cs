using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Tests.Plans;

public sealed class PhaseKindTests
{
    private static string Plan(string phases) => TestPlans.Header[..TestPlans.Header.IndexOf("phases:", StringComparison.Ordinal)] + phases;

    [Fact]
    public void A_synthetic_phase_and_soak_phases_take_no_real_traffic_and_a_soak_is_observed_for_its_duration()
    {
        var result = PlanParser.Parse(Plan("""
            phases:
              - name: soak 1.5x
                soak: { load: 1.5x, for: 24h }
              - name: soak 2x
                soak: { load: 2x, for: 2h }
              - name: synthetic
                synthetic: true
                observe: 2h
              - name: 5%
                traffic: 5
                observe: 30m
              - name: 100%
                traffic: 100
                observe: 2h
            """), "plan.yaml");

        Assert.False(result.HasErrors, string.Join("\n", result.Problems));
        var phases = result.Plan!.Phases;
        Assert.Equal([PhaseKind.Soak, PhaseKind.Soak, PhaseKind.Synthetic, PhaseKind.Traffic, PhaseKind.Traffic], phases.Select(p => p.Kind));
        Assert.Equal([0.0, 0, 0, 5, 100], phases.Select(p => p.TrafficPercent));
        Assert.Equal((1.5m, TimeSpan.FromHours(24)), (phases[0].Soak!.LoadFactor, phases[0].Observe));
        Assert.Equal("2x peak for 2h", phases[1].Soak!.Describe());
        Assert.Null(phases[2].Soak);
    }

    [Theory]
    [InlineData("  - name: s\n    synthetic: true\n    traffic: 5\n    observe: 2h\n", "phases[0].traffic")]
    [InlineData("  - name: s\n    soak: { load: 1.5, for: 2h }\n", "phases[0].soak.load")]
    [InlineData("  - name: s\n    soak: { load: 2x }\n", "phases[0].soak.for")]
    [InlineData("  - name: s\n    soak: { load: 2x, for: 2h }\n    observe: 1h\n", "phases[0].observe")]
    [InlineData("  - name: s\n    soak: { load: 2x, for: 2h }\n    synthetic: true\n", "phases[0].soak")]
    [InlineData("  - name: 5%\n    traffic: 5\n    observe: 30m\n  - name: s\n    synthetic: true\n    observe: 2h\n", "phases[1]")]
    public void A_phase_kind_written_wrongly_is_refused_where_it_is_written(string phases, string field)
    {
        var result = PlanParser.Parse(Plan("phases:\n" + phases + "  - name: 100%\n    traffic: 100\n    observe: 2h\n"), "plan.yaml");

        Assert.Contains(result.Problems, p => p.Field == field);
    }
}
