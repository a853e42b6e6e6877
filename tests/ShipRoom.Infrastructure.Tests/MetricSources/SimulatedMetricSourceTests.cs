using ShipRoom.Core.Metrics;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.MetricSources.Simulation;

namespace ShipRoom.Infrastructure.Tests.MetricSources;

public sealed class SimulatedMetricSourceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static async Task<IReadOnlyList<MetricSample>> ReadAsync(SimulatedMetricSource source, string metric, Cohort cohort, int minutes = 60, int phase = 1, string? journey = null)
    {
        var result = await source.ReadAsync(new MetricSeriesRequest(metric, cohort, journey, Start, Start.AddMinutes(minutes), PhaseIndex: phase), Xunit.TestContext.Current.CancellationToken);
        Assert.False(result.Failed);
        return result.Samples;
    }

    [Fact]
    public async Task The_same_seed_replays_the_same_values_and_another_seed_does_not()
    {
        var first = await ReadAsync(new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 7), "p95_latency_ms", Cohort.Canary);
        var again = await ReadAsync(new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 7), "p95_latency_ms", Cohort.Canary);
        var other = await ReadAsync(new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 8), "p95_latency_ms", Cohort.Canary);

        Assert.Equal(first.Select(s => s.Value), again.Select(s => s.Value));
        Assert.NotEqual(first.Select(s => s.Value), other.Select(s => s.Value));
    }

    [Theory]
    [InlineData(7, "p95_latency_ms", "canary", null, 29_413_920L)]
    [InlineData(-3, "payments_e2e_success_pct", "control", "checkout", 0L)]
    [InlineData(2_000_000_000, "élan_métrique", "canary", "voyage é", long.MaxValue)]
    public void A_minutes_noise_is_seeded_by_the_same_bytes_as_before_so_a_seed_replays_what_it_always_did(int seed, string metric, string cohort, string? journey, long minute)
    {
        // The hash once went through a string and its UTF-8 bytes; it is written into the stack now. A long name takes
        // the old way (over the stack's 256 bytes).
        foreach (var key in new[] { metric, metric + new string('x', 300) })
        {
            var hash = 14695981039346656037UL;
            foreach (var b in System.Text.Encoding.UTF8.GetBytes($"{seed}|{key}|{cohort}|{journey}|{minute}"))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }

            Assert.Equal(hash, DeterministicNoise.Hash(seed, key, cohort, journey, minute));
        }
    }

    [Fact]
    public async Task One_sample_per_whole_minute_in_the_half_open_range()
    {
        var source = new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 1);
        var result = await source.ReadAsync(new MetricSeriesRequest("cache_hit_pct", Cohort.Control, null, Start.AddSeconds(30), Start.AddMinutes(15)), Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(15, result.Samples.Count);
        Assert.Equal(Start, result.Samples[0].Time);
        Assert.Equal(Start.AddMinutes(14), result.Samples[^1].Time);
    }

    [Theory]
    [InlineData("p95_latency_ms", 0, 120)]
    [InlineData("error_rate_5xx_pct", 0, 0.5)]
    [InlineData("payments_e2e_success_pct", 99.5, 100)]
    [InlineData("cache_hit_pct", 85, 100)]
    [InlineData("db_saturation_pct", 0, 80)]
    [InlineData("ai_markup_ratio", 4, 100)]
    public async Task A_healthy_canary_stays_inside_the_directives_limits_every_minute(string metric, double min, double max)
    {
        var samples = await ReadAsync(new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 20261125), metric, Cohort.Canary, minutes: 8 * 60);

        Assert.All(samples, s => Assert.InRange(s.Value, min, max));
    }

    [Theory]
    [InlineData(SimulatorScenario.LatencyRegression, "p95_latency_ms", 130, double.MaxValue)]
    [InlineData(SimulatorScenario.PaymentFailures, "payments_e2e_success_pct", 0, 99.5)]
    [InlineData(SimulatorScenario.CacheRegression, "cache_hit_pct", 0, 85)]
    [InlineData(SimulatorScenario.CacheRegression, "db_saturation_pct", 80, 100)]
    [InlineData(SimulatorScenario.CostDrift, "ai_markup_ratio", 0, 4)]
    public async Task Each_scenario_breaks_its_metric_in_the_canary_from_its_phase_on(SimulatorScenario scenario, string metric, double min, double max)
    {
        var source = new SimulatedMetricSource(scenario, scenarioStartsAtPhase: 2, seed: 3);

        var before = await ReadAsync(source, metric, Cohort.Canary, phase: 1);
        var after = await ReadAsync(source, metric, Cohort.Canary, phase: 2);
        var control = await ReadAsync(source, metric, Cohort.Control, phase: 2);

        Assert.All(after, s => Assert.InRange(s.Value, min, max));
        Assert.DoesNotContain(before, s => s.Value >= min && s.Value <= max);
        Assert.DoesNotContain(control, s => s.Value >= min && s.Value <= max);
    }

    [Fact]
    public async Task Cost_drift_puts_the_canary_cost_per_user_more_than_five_percent_over_control()
    {
        var source = new SimulatedMetricSource(SimulatorScenario.CostDrift, 0, 5);
        var canary = await ReadAsync(source, "cost_per_user_usd", Cohort.Canary);
        var control = await ReadAsync(source, "cost_per_user_usd", Cohort.Control);

        Assert.True(canary.Average(s => s.Value) > control.Average(s => s.Value) * 1.05);
    }

    [Fact]
    public async Task Flapping_alternates_three_bad_and_three_good_minutes()
    {
        var samples = await ReadAsync(new SimulatedMetricSource(SimulatorScenario.Flapping, 0, 9), "p95_latency_ms", Cohort.Canary, minutes: 30);

        var bad = samples.Select(s => s.Value > 120).ToList();
        Assert.Equal(15, bad.Count(b => b));
        for (var i = 0; i + 3 < bad.Count; i++)
        {
            Assert.False(bad.Skip(i).Take(4).All(b => b), "never four bad minutes in a row");
        }
    }

    [Fact]
    public async Task Data_gap_leaves_whole_minutes_without_canary_samples_but_keeps_the_control()
    {
        var source = new SimulatedMetricSource(SimulatorScenario.DataGap, 0, 9);

        var canary = await ReadAsync(source, "p95_latency_ms", Cohort.Canary, minutes: 60);
        var control = await ReadAsync(source, "p95_latency_ms", Cohort.Control, minutes: 60);

        Assert.Equal(60, control.Count);
        Assert.Equal(20, canary.Count);
    }

    [Fact]
    public async Task Journeys_have_their_own_series()
    {
        var source = new SimulatedMetricSource(SimulatorScenario.Healthy, 0, 9);
        var checkout = await ReadAsync(source, "p95_latency_ms", Cohort.Control, journey: "checkout");
        var search = await ReadAsync(source, "p95_latency_ms", Cohort.Control, journey: "search");

        Assert.True(checkout.Average(s => s.Value) > search.Average(s => s.Value));
        Assert.All(checkout, s => Assert.Equal("checkout", s.Journey));
    }

    [Theory]
    [InlineData("latency-regression", SimulatorScenario.LatencyRegression)]
    [InlineData("DataGap", SimulatorScenario.DataGap)]
    public void Scenario_names_parse(string name, SimulatorScenario expected)
    {
        Assert.True(SimulatorScenarioNames.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Every_scenario_parses_from_its_name_and_its_member_name_in_any_case()
    {
        foreach (var scenario in Enum.GetValues<SimulatorScenario>())
        {
            Assert.True(SimulatorScenarioNames.TryParse(scenario.ToName().ToUpperInvariant(), out var byName));
            Assert.Equal(scenario, byName);
            Assert.True(SimulatorScenarioNames.TryParse(scenario.ToString().ToLowerInvariant(), out var byMember));
            Assert.Equal(scenario, byMember);
        }
    }

    [Theory]
    [InlineData("meltdown")]
    [InlineData("")]
    [InlineData(null)]
    public void An_unknown_scenario_name_does_not_parse(string? name)
    {
        Assert.False(SimulatorScenarioNames.TryParse(name, out var parsed));
        Assert.Equal(SimulatorScenario.Healthy, parsed);
    }
}
