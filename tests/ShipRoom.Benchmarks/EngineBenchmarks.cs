using BenchmarkDotNet.Attributes;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Plans;

namespace ShipRoom.Benchmarks;

/// <summary>
/// What each poll costs the engine: judging a rollout of the shipped 1% → 100% plan (30 metrics, 42 series per cohort)
/// over one-minute samples from an hour before the phase to <see cref="Minutes"/> into it (1 h, 6 h, 24 h, 72 h), from
/// scratch and as a poll does (with the rollout's <see cref="MinuteMemo"/>), and rendering the cadence report's template.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private static readonly DateTimeOffset PhaseStart = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private RolloutPlan _plan = null!;
    private EvaluationInput _input = null!;
    private EvaluationInput _minuteBefore = null!;
    private MinuteMemo _memo = null!;
    private int _polls;
    private Dictionary<string, string?> _values = null!;

    [Params(60, 360, 1440, 4320)]
    public int Minutes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml")), "plan.yaml").Plan!;
        var samples = new List<MetricSample>();
        var random = new Random(7);
        foreach (var metric in _plan.Metrics)
        {
            foreach (var journey in new string?[] { null }.Concat(metric.Journeys))
            {
                foreach (var cohort in new[] { Cohort.Control, Cohort.Canary })
                {
                    for (var minute = -60; minute < Minutes; minute++)
                    {
                        samples.Add(new MetricSample(metric.Key, cohort, journey, PhaseStart.AddMinutes(minute), Baseline(metric.Key) * (1 + ((random.NextDouble() - 0.5) * 0.02))));
                    }
                }
            }
        }

        // The 50% phase judges the most gates and its approval.
        _input = new EvaluationInput(3, PhaseStart, PhaseStart.AddMinutes(Minutes), samples) { RolloutStartedAt = PhaseStart.AddMinutes(-60) };
        _minuteBefore = _input with { Now = _input.Now.AddMinutes(-1), Samples = samples.Where(s => s.Time < _input.Now.AddMinutes(-1)).ToList() };
        _memo = new MinuteMemo();
        RolloutEvaluator.Default.Evaluate(_plan, _minuteBefore, memo: _memo);
        _values = PostKinds.All.SelectMany(k => k.AllPlaceholders).Distinct().ToDictionary(p => p, p => (string?)$"value of {p}\nsecond line of {p}");
    }

    private static double Baseline(string key) => key switch
    {
        var k when k.Contains("latency", StringComparison.Ordinal) => 100,
        var k when k.Contains("success", StringComparison.Ordinal) || k.Contains("availability", StringComparison.Ordinal) => 99.9,
        var k when k.Contains("cache", StringComparison.Ordinal) => 92,
        var k when k.Contains("markup", StringComparison.Ordinal) => 4.6,
        var k when k.Contains("usd", StringComparison.Ordinal) => 0.04,
        _ => 0.3,
    };

    [Benchmark(Description = "Evaluate every gate, trigger and the canary score")]
    public RolloutVerdict Evaluate() => RolloutEvaluator.Default.Evaluate(_plan, _input);

    /// <summary>
    /// A poll as the assessor runs it: the rollout's memo holds the previous poll's minutes. Calls alternate between the
    /// last minute and the one before, so each one brings one new minute (or drops one), as a one-minute poll does.
    /// </summary>
    [Benchmark(Description = "Evaluate, next poll (memo of the previous one)")]
    public RolloutVerdict EvaluateNextPoll() => RolloutEvaluator.Default.Evaluate(_plan, _polls++ % 2 == 0 ? _input : _minuteBefore, memo: _memo);

    [Benchmark(Description = "Render the cadence report template")]
    public (string, string) RenderReport() => PostTemplate.Render(PostKinds.Find(PostKinds.CadenceReport)!.DefaultTemplate, _values);
}
