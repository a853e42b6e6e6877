using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Metrics;
using static ShipRoom.Core.Tests.TestPlans;

namespace ShipRoom.Core.Tests.Judgement;

public sealed class CanaryScoreTests
{
    private const string Groups = """
        judgement:
          pass: 80
          marginal: 50
          groups:
            - name: Latency
              weight: 1
              metrics: [p95_latency_ms]
            - name: Errors
              weight: 1
              metrics: [error_rate_pct]
            - name: Money
              weight: 2
              metrics: [payments_e2e_success_pct, cost_per_user_usd]
        """;

    private static IEnumerable<MetricSample> Both(string metric, double control, double canary, int minutes = 20) =>
        Series(metric, Cohort.Control, Start, Enumerable.Range(0, minutes).Select(i => (double?)(control + (i % 3 * 0.01 * control))))
            .Concat(Series(metric, Cohort.Canary, Start, Enumerable.Range(0, minutes).Select(i => (double?)(canary + (i % 3 * 0.01 * canary)))));

    private static CanaryScore Score(params IEnumerable<MetricSample>[] series) =>
        CanaryJudge.Default.Score(Parse(Groups), CanaryPairs.Of(Parse(Groups), new SeriesIndex(series.SelectMany(s => s)), Start, Start.AddMinutes(20)));

    [Fact]
    public void A_healthy_canary_scores_100_and_passes()
    {
        var score = Score(Both("error_rate_pct", 0.2, 0.2), Both("payments_e2e_success_pct", 99.8, 99.8), Both("cost_per_user_usd", 0.042, 0.042));

        Assert.Equal(100, score.Score);
        Assert.Equal(ScoreClassification.Pass, score.Classification);
        Assert.Null(score.Groups.Single(g => g.Name == "Latency").Score);
    }

    [Fact]
    public void Groups_are_weighted()
    {
        // Money: payments fine, cost 20% worse → 50; Errors: 100. Weighted (100·1 + 50·2) / 3 = 66.7 → marginal.
        var score = Score(Both("error_rate_pct", 0.2, 0.2), Both("payments_e2e_success_pct", 99.8, 99.8), Both("cost_per_user_usd", 0.042, 0.0504));

        Assert.Equal(66.67, score.Score!.Value, 2);
        Assert.Equal(ScoreClassification.Marginal, score.Classification);
    }

    [Fact]
    public void A_failing_critical_metric_fails_the_whole_run()
    {
        var score = Score(Both("p95_latency_ms", 100, 140), Both("error_rate_pct", 0.2, 0.2), Both("payments_e2e_success_pct", 99.8, 99.8), Both("cost_per_user_usd", 0.042, 0.042));

        Assert.Equal(0, score.Score);
        Assert.Equal(ScoreClassification.Fail, score.Classification);
        Assert.StartsWith("score 0 FAIL (pass ≥ 80, marginal ≥ 50); a critical metric is worse: P95 latency +40% vs control", score.Summary);
    }

    [Fact]
    public void No_paired_data_is_no_score_not_a_pass()
    {
        var score = Score(Series("error_rate_pct", Cohort.Canary, Start, Repeat(0.2, 20)));

        Assert.Null(score.Score);
        Assert.Equal(ScoreClassification.NoData, score.Classification);
    }
}
