using BenchmarkDotNet.Attributes;
using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Notifications;
using ShipRoom.Core.Plans;

namespace ShipRoom.Benchmarks;

/// <summary>
/// What each poll costs the engine: judging a rollout of the shipped 1% → 100% plan (30 metrics, 42 series per cohort)
/// over one-minute samples from an hour before the phase to <see cref="Minutes"/> into it (1 h, 6 h, 24 h, 72 h), from
/// scratch, and rendering the cadence report's template. A poll with the rollout's memo is <see cref="NextPollBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private EngineHistory _history = null!;
    private Dictionary<string, string?> _values = null!;

    [Params(60, 360, 1440, 4320)]
    public int Minutes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _history = EngineHistory.Build(Minutes);
        _values = PostKinds.All.SelectMany(k => k.AllPlaceholders).Distinct().ToDictionary(p => p, p => (string?)$"value of {p}\nsecond line of {p}");
    }

    [Benchmark(Description = "Evaluate every gate, trigger and the canary score")]
    public RolloutVerdict Evaluate() => RolloutEvaluator.Default.Evaluate(_history.Plan, _history.Input);

    [Benchmark(Description = "Render the cadence report template")]
    public (string, string) RenderReport() => PostTemplate.Render(PostKinds.Find(PostKinds.CadenceReport)!.DefaultTemplate, _values);
}

/// <summary>
/// A poll as the assessor runs it: the rollout's memo (and the index it keeps) holds the previous poll, one minute
/// earlier, and this poll's samples are that poll's run of samples with the new minute's appended in place (as
/// <c>SampleWindows</c> keeps a window on either engine). Each iteration judges the two polls before it first, outside
/// the measurement (the first builds the index, the second extends it as a steady poll does), so every measured call
/// brings exactly one new minute to an index that has been extended before.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class NextPollBenchmarks
{
    private EngineHistory _history = null!;
    private MinuteMemo _memo = null!;

    [Params(60, 360, 1440, 4320)]
    public int Minutes { get; set; }

    [GlobalSetup]
    public void Setup() => _history = EngineHistory.Build(Minutes);

    [IterationSetup]
    public void JudgePreviousPolls()
    {
        _memo = new MinuteMemo();
        RolloutEvaluator.Default.Evaluate(_history.Plan, _history.TwoMinutesBefore, memo: _memo);
        RolloutEvaluator.Default.Evaluate(_history.Plan, _history.MinuteBefore, memo: _memo);
        // The judgement from scratch leaves ~50 MB of garbage at 72 h: collected here, not inside the measured poll.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Benchmark(Description = "Evaluate, next poll (memo and index of the previous one)")]
    public RolloutVerdict EvaluateNextPoll() => RolloutEvaluator.Default.Evaluate(_history.Plan, _history.NextPoll, memo: _memo);
}

/// <summary>
/// The shipped plan and its samples at the 50% phase (the most gates and its approval), in storage order: as one list
/// (<c>Input</c>, judged from scratch), and as the last three polls' runs of a kept window.
/// </summary>
internal sealed record EngineHistory(RolloutPlan Plan, EvaluationInput Input, EvaluationInput NextPoll, EvaluationInput MinuteBefore, EvaluationInput TwoMinutesBefore)
{
    private static readonly DateTimeOffset PhaseStart = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static EngineHistory Build(int minutes)
    {
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml")), "plan.yaml").Plan!;
        var samples = new List<MetricSample>();
        var random = new Random(7);
        var minuteStarts = new List<int>();
        // Minute by minute, as storage reads them (within a minute storage orders by metric, cohort and journey; the
        // index does not depend on that order).
        for (var minute = -60; minute < minutes; minute++)
        {
            minuteStarts.Add(samples.Count);
            foreach (var metric in plan.Metrics)
            {
                foreach (var journey in new string?[] { null }.Concat(metric.Journeys))
                {
                    foreach (var cohort in new[] { Cohort.Control, Cohort.Canary })
                    {
                        samples.Add(new MetricSample(metric.Key, cohort, journey, PhaseStart.AddMinutes(minute), Baseline(metric.Key) * (1 + ((random.NextDouble() - 0.5) * 0.02))));
                    }
                }
            }
        }

        var input = new EvaluationInput(3, PhaseStart, PhaseStart.AddMinutes(minutes), samples) { RolloutStartedAt = PhaseStart.AddMinutes(-60) };
        var twoBefore = AppendRun<MetricSample>.Of(samples[..minuteStarts[^2]], 1024);
        var oneBefore = twoBefore.Append(samples[minuteStarts[^2]..minuteStarts[^1]]);
        var minuteBefore = input with { Now = input.Now.AddMinutes(-1), Samples = oneBefore };
        var twoMinutesBefore = input with { Now = input.Now.AddMinutes(-2), Samples = twoBefore };
        return new EngineHistory(plan, input, input with { Samples = oneBefore.Append(samples[minuteStarts[^1]..]) }, minuteBefore, twoMinutesBefore);
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
}
