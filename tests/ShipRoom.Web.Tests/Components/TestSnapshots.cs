using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Judgement;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Tests.Components;

/// <summary>Verdicts and snapshots made to order, for components and for the live store.</summary>
public static class TestSnapshots
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);

    public static GateVerdict Gate(string key, GateStatus status, double? canary, double? control = null, string limit = "<= 130 ms", int green = 15, int noData = 0) =>
        new(key, $"Gate {key}", "p95_latency_ms", null, status, Now.AddMinutes(-5), canary, control, limit, green == 15, 15, green, 0, status == GateStatus.Red ? 1 : 0, noData,
            status == GateStatus.NoData ? "no canary value" : null, [])
        {
            MetricName = "P95 latency",
            Unit = "ms",
        };

    public static RolloutVerdict Verdict(params GateVerdict[] gates) =>
        new(Now, 0, "1%", gates.Select(g => g.Status).DefaultIfEmpty(GateStatus.NoData).Aggregate(GateStatusText.Worst), gates,
            [new TriggerVerdict("errors", "Error rate > 0.5% for 5 minutes", TriggerAction.Rollback, TriggerState.Arming, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(2), 3, 5, Now.AddMinutes(-3), null, "> 0.5 %", "Error rate canary 0.9%")
            {
                MetricKey = "error_rate_pct",
                MetricName = "Error rate",
                Unit = "%",
                Watches = "Error rate, overall",
            }],
            new CanaryScore(100, ScoreClassification.Pass, [], [], "mann-whitney", "score 100"),
            new AdvanceVerdict(false, 6, 15, false, false, null, null, ["6 of 15 minutes observed"]),
            new Recommendation(RecommendationKind.Continue, ["6 of 15 minutes observed"]));

    public static RolloutSnapshot Snapshot(RolloutVerdict? verdict, bool stale = false, IReadOnlyList<PanelSnapshot>? panels = null) => new()
    {
        Id = 7,
        Version = 3,
        Name = "Checkout v2",
        Status = RolloutStatus.Running,
        Release = new ReleaseInfo("checkout", "v20261125.1", "3f6c2a9e8b7d4c1a0f9e", false, "https://runbooks.example.com/rb", "kubectl argo rollouts abort app", "header x-canary", ["one region"], null, "us-west-1", null, "checkout"),
        PhaseIndex = 0,
        Phases = [new PhaseSnapshot(0, "1%", 1, 15, Now.AddMinutes(-6)), new PhaseSnapshot(1, "100%", 100, 120, null)],
        PhaseStartedAt = Now.AddMinutes(-6),
        Now = Now,
        Poll = new PollStatus("prometheus", Now.AddMinutes(stale ? -40 : -1), Now.AddMinutes(-1), Now.AddMinutes(1), TimeSpan.FromMinutes(1), stale,
            stale ? ["p95_latency_ms (canary): Prometheus unreachable (ConnectionError)"] : []),
        Verdict = verdict,
        Panels = panels ?? [],
        Rollback = new RollbackTiming(TimeSpan.FromMinutes(2), null, null, null, null, null),
        MetricSource = "prometheus",
        BuiltAt = Now,
    };
}
