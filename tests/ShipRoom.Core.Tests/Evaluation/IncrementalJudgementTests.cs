using System.Text.Json;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Tests.ShippedPlans;

namespace ShipRoom.Core.Tests.Evaluation;

/// <summary>
/// Judging with a <see cref="MinuteMemo"/> (only new or revised minutes judged) gives exactly the verdict a judgement
/// from scratch gives: polled minute by minute and in bursts over a long randomised history of every shipped plan,
/// with samples revised inside the window (late data) and a duplicate sample of a minute that comes last.
/// </summary>
public sealed class IncrementalJudgementTests
{
    private const int Before = 240;
    private const int PhaseMinutes = 480;

    public static TheoryData<string> Plans() => new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "plans"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_memo_gives_the_verdict_judging_from_scratch_gives_poll_after_poll_and_after_late_data(string file)
    {
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file).Plan!;
        var phaseIndex = Math.Max(0, plan.Phases.Count - 2);
        var phaseStart = ShippedPlan.T0;
        var random = new Random(file.Length * 7919);
        var samples = History(plan, random, phaseStart.AddMinutes(-Before), Before + PhaseMinutes);
        var memo = new MinuteMemo();
        var revised = 0;
        var nextRevision = 60;
        var polls = 0;

        GateVerdict? revisedGate = null;
        DateTimeOffset revisedMinute = default;
        GateStatus before = default;
        for (var minute = 1; minute <= PhaseMinutes; minute += minute % 50 == 0 ? 15 : 1 + (random.Next(8) == 0 ? random.Next(15) : 0))
        {
            var now = phaseStart.AddMinutes(minute);
            if (minute >= nextRevision)
            {
                // Late data: a gated canary value of an already judged minute inside the window changes its answer.
                (revisedGate, revisedMinute, before) = Revise(plan, phaseIndex, samples, Judge(plan, phaseIndex, phaseStart, now, samples, null), now, replaceInPlace: revised % 2 == 0);
                revised++;
                nextRevision += 80;
            }

            var incremental = Judge(plan, phaseIndex, phaseStart, now, samples, memo);
            polls++;
            if (revisedGate is null && polls % 5 != 0)
            {
                continue;
            }

            Assert.Equal(Json(Judge(plan, phaseIndex, phaseStart, now, samples, null)), Json(incremental));
            if (revisedGate is not null)
            {
                var after = incremental.Gates.First(g => g.Key == revisedGate.Key).History.First(m => m.Minute == revisedMinute).Status;
                Assert.NotEqual(before, after);
                revisedGate = null;
            }
        }

        Assert.True(revised >= 5, $"{revised} revisions");

        // Incremental: a poll that brings one minute judges at most one new minute per gate and trigger.
        var last = phaseStart.AddMinutes(PhaseMinutes);
        Judge(plan, phaseIndex, phaseStart, last.AddMinutes(-1), samples, memo);
        var next = Judge(plan, phaseIndex, phaseStart, last, samples, memo);
        Assert.Equal(Json(Judge(plan, phaseIndex, phaseStart, last, samples, null)), Json(next));
        Assert.True(memo.LastJudged <= plan.Gates.Count + plan.Triggers.Count, $"{memo.LastJudged} minutes judged, {memo.LastReused} reused");
        Assert.True(memo.LastReused > 0 || plan.Gates.Count == 0, "nothing was taken from the memo");
    }

    /// <summary>
    /// Polls as the assessor runs them: each poll's samples are the previous poll's run of them with the minutes stored
    /// since appended in place (as <c>SampleWindows</c> keeps a window), sometimes with a second, later sample of a gated
    /// canary for the minute the previous poll ended on, on the other side of the gate's limit. The kept index is
    /// extended (not built again), untouched minutes are taken without reading their values, the revised minute's
    /// status changes, and every verdict is the one judging from scratch gives.
    /// </summary>
    [Theory]
    [MemberData(nameof(Plans))]
    public void A_poll_that_continues_the_previous_one_extends_the_kept_index_and_gives_the_verdict_from_scratch(string file)
    {
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file).Plan!;
        var phaseIndex = Math.Max(0, plan.Phases.Count - 2);
        var phaseStart = ShippedPlan.T0;
        var random = new Random(file.Length * 104729);
        var stored = History(plan, random, phaseStart.AddMinutes(-Before), Before + 120);
        var gate = plan.GatesFor(phaseIndex).First(g => g.Pass is AbsoluteCondition && g.Series.Scope != JourneyScope.All);
        var journey = gate.Series.Scope == JourneyScope.One ? gate.Series.Journey : null;
        var memo = new MinuteMemo();
        var window = AppendRun<MetricSample>.Of(stored.Where(s => s.Time < phaseStart.AddMinutes(1)).ToList(), 64);
        var previous = JudgeAsIs(plan, phaseIndex, phaseStart, phaseStart.AddMinutes(1), window, memo);
        Assert.False(memo.LastExtendedIndex);
        var lateSamples = 0;
        var appendedInPlace = 0;
        for (var minute = 2; minute <= 120; minute += 1 + random.Next(3))
        {
            var now = phaseStart.AddMinutes(minute);
            var newer = stored.Where(s => s.Time >= window[^1].Time.AddMinutes(1) && s.Time < now).ToList();
            GateStatus? revisedFrom = null;
            var ended = Minutes.Floor(window[^1].Time);
            if (minute % 7 == 0 && previous.Gates.First(g => g.Key == gate.Key).History.LastOrDefault(m => m.Minute == ended) is { Status: GateStatus.Green or GateStatus.Yellow or GateStatus.Red } judged)
            {
                // Stored in this poll's range: the later sample of the minute wins.
                newer.Insert(0, new MetricSample(gate.Series.MetricKey, Cohort.Canary, journey, ended, OtherSide((AbsoluteCondition)gate.Pass, judged.Status)));
                revisedFrom = judged.Status;
                lateSamples++;
            }

            var joined = window.Append(newer);
            appendedInPlace += joined.StartsWith(window) ? 1 : 0; // else it outgrew its room: compared sample by sample
            var incremental = JudgeAsIs(plan, phaseIndex, phaseStart, now, joined, memo);
            Assert.True(memo.LastExtendedIndex, $"the index was built again at minute {minute}");
            Assert.True(memo.LastTakenUntouched > 0, $"nothing was taken untouched at minute {minute}");
            Assert.Equal(Json(JudgeAsIs(plan, phaseIndex, phaseStart, now, joined, null)), Json(incremental));
            Assert.True(memo.LastJudged <= (plan.Gates.Count + plan.Triggers.Count + 8) * 4, $"{memo.LastJudged} minutes judged at minute {minute}");
            if (revisedFrom is { } before)
            {
                Assert.NotEqual(before == GateStatus.Red, incremental.Gates.First(g => g.Key == gate.Key).History.First(m => m.Minute == ended).Status == GateStatus.Red);
            }

            window = joined;
            previous = incremental;
        }

        Assert.True(lateSamples >= 3, $"{lateSamples} late samples");
        Assert.True(appendedInPlace >= 10, $"{appendedInPlace} polls appended in place");
    }

    /// <summary>A value well past the limit when the minute passed, well inside it when it did not.</summary>
    private static double OtherSide(AbsoluteCondition limit, GateStatus status)
    {
        var lowerIsBetter = limit.Operator is ComparisonOperator.LessOrEqual or ComparisonOperator.Less;
        var threshold = (double)limit.Threshold;
        var past = lowerIsBetter ? threshold + Math.Max(1, Math.Abs(threshold)) : threshold / 2;
        var inside = lowerIsBetter ? threshold / 2 : threshold + Math.Max(1, Math.Abs(threshold));
        return status == GateStatus.Red ? inside : past;
    }

    /// <summary>
    /// Where every poll reads its window whole (PostgreSQL) the samples are equal, not the same run of them: the index
    /// is extended all the same. A list changed in place after a judgement (a sample replaced by another value) is not
    /// mistaken for the one judged: the index is built again and the verdict follows the new value.
    /// </summary>
    [Fact]
    public void Equal_samples_extend_the_kept_index_and_a_list_changed_in_place_is_judged_afresh()
    {
        const string file = "directive-004-ramp-1-10-25-50-100.yaml";
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file).Plan!;
        var phaseStart = ShippedPlan.T0;
        var stored = History(plan, new Random(11), phaseStart.AddMinutes(-Before), Before + 30);
        var memo = new MinuteMemo();
        var read = stored.Where(s => s.Time < phaseStart.AddMinutes(20)).ToList();
        JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(20), read, memo);

        var readAgain = stored.Where(s => s.Time < phaseStart.AddMinutes(21)).ToList();
        var extended = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), readAgain, memo);
        Assert.True(memo.LastExtendedIndex);
        Assert.Equal(Json(JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), readAgain, null)), Json(extended));

        var gate = plan.GatesFor(3).First(g => g.Pass is AbsoluteCondition && g.Series.Scope == JourneyScope.Overall);
        var minute = phaseStart.AddMinutes(10);
        var at = readAgain.FindIndex(s => s.MetricKey == gate.Series.MetricKey && s.Cohort == Cohort.Canary && s.Journey is null && s.Time == minute);
        var limit = (double)((AbsoluteCondition)gate.Pass).Threshold;
        var breach = ((AbsoluteCondition)gate.Pass).Operator is ComparisonOperator.LessOrEqual or ComparisonOperator.Less ? (limit * 2) + 1 : limit / 2;
        readAgain[at] = readAgain[at] with { Value = breach };
        var changed = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), readAgain, memo);
        Assert.False(memo.LastExtendedIndex);
        Assert.Equal(Json(JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), readAgain, null)), Json(changed));
        Assert.Equal(GateStatus.Red, changed.Gates.First(g => g.Key == gate.Key).History.First(m => m.Minute == minute).Status);

        // Told not to keep it (the storage does not keep the window), the memo builds the index every time.
        memo.KeepsIndex = false;
        var unkept = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), readAgain, memo);
        Assert.False(memo.LastExtendedIndex);
        Assert.Equal(Json(changed), Json(unkept));
    }

    /// <summary>
    /// The storage keeps a rollout's window as an <see cref="AppendRun{T}"/>, appended to poll after poll: the memo keeps
    /// that run, not a copy of its samples, and knows a later view of it continues what it indexed without comparing
    /// them. A run in another array is compared sample by sample: equal ones extend the index, a changed one does not.
    /// </summary>
    [Fact]
    public void A_window_kept_as_a_run_extends_the_kept_index_and_another_run_is_compared()
    {
        const string file = "directive-004-ramp-1-10-25-50-100.yaml";
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file).Plan!;
        var phaseStart = ShippedPlan.T0;
        var stored = History(plan, new Random(17), phaseStart.AddMinutes(-Before), Before + 30);
        List<MetricSample> Until(int minute, int from = int.MinValue) =>
            stored.Where(s => s.Time >= phaseStart.AddMinutes(from == int.MinValue ? -Before : from) && s.Time < phaseStart.AddMinutes(minute)).ToList();
        var memo = new MinuteMemo();
        var kept = AppendRun<MetricSample>.Of(Until(20), 1024);
        JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(20), kept, memo);
        Assert.False(memo.LastExtendedIndex);

        var next = kept.Append(Until(21, from: 20));
        Assert.True(next.StartsWith(kept));
        var extended = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), next, memo);
        Assert.True(memo.LastExtendedIndex);
        Assert.Equal(Json(JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), next, null)), Json(extended));

        var asList = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(21), Until(21), memo); // a plain list after a run: compared
        Assert.True(memo.LastExtendedIndex);
        Assert.Equal(Json(extended), Json(asList));

        var equalElsewhere = AppendRun<MetricSample>.Of(Until(22), 1024);
        var fromEqual = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(22), equalElsewhere, memo);
        Assert.True(memo.LastExtendedIndex);
        Assert.Equal(Json(JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(22), equalElsewhere, null)), Json(fromEqual));

        var gate = plan.GatesFor(3).First(g => g.Pass is AbsoluteCondition && g.Series.Scope == JourneyScope.Overall);
        var minute = phaseStart.AddMinutes(10);
        var revised = Until(23);
        var at = revised.FindIndex(s => s.MetricKey == gate.Series.MetricKey && s.Cohort == Cohort.Canary && s.Journey is null && s.Time == minute);
        var limit = (double)((AbsoluteCondition)gate.Pass).Threshold;
        revised[at] = revised[at] with { Value = ((AbsoluteCondition)gate.Pass).Operator is ComparisonOperator.LessOrEqual or ComparisonOperator.Less ? (limit * 2) + 1 : limit / 2 };
        var changed = JudgeAsIs(plan, 3, phaseStart, phaseStart.AddMinutes(23), AppendRun<MetricSample>.Of(revised, 1024), memo);
        Assert.False(memo.LastExtendedIndex);
        Assert.Equal(GateStatus.Red, changed.Gates.First(g => g.Key == gate.Key).History.First(m => m.Minute == minute).Status);
    }

    /// <summary>
    /// A snapshot reads the kept index of the evaluation it shapes, and only that one's: once another evaluation has run
    /// (a page load judging an earlier window builds the index again from fewer samples), the older one gets none.
    /// </summary>
    [Fact]
    public void The_kept_index_is_read_only_by_the_evaluation_that_kept_it()
    {
        var file = "directive-004-ramp-1-10-25-50-100.yaml";
        var plan = PlanParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "plans", file)), file).Plan!;
        var phaseStart = ShippedPlan.T0;
        var stored = History(plan, new Random(7), phaseStart.AddMinutes(-60), 90);
        var memo = new MinuteMemo();
        int Evaluate(int minutes)
        {
            lock (memo)
            {
                Judge(plan, 0, phaseStart, phaseStart.AddMinutes(minutes), stored, memo);
                return memo.Generation;
            }
        }

        var poll = Evaluate(30);
        Assert.True(memo.ReadIndex(poll, index => index?.ValueAt(plan.Metrics[0].Key, Cohort.Canary, null, phaseStart.AddMinutes(29)) is not null));

        var pageLoad = Evaluate(20);
        Assert.True(memo.ReadIndex(poll, index => index is null));
        Assert.True(memo.ReadIndex(pageLoad, index => index is not null && index.ValueAt(plan.Metrics[0].Key, Cohort.Canary, null, phaseStart.AddMinutes(29)) is null));
    }

    private static RolloutVerdict Judge(RolloutPlan plan, int phaseIndex, DateTimeOffset phaseStart, DateTimeOffset now, List<MetricSample> samples, MinuteMemo? memo) =>
        RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(phaseIndex, phaseStart, now, samples.Where(s => s.Time < now).ToList())
        {
            RolloutStartedAt = phaseStart.AddMinutes(-Before),
        }, memo: memo);

    /// <summary>The list itself is judged, not a copy: what a caller that changes its list in place would pass.</summary>
    private static RolloutVerdict JudgeAsIs(RolloutPlan plan, int phaseIndex, DateTimeOffset phaseStart, DateTimeOffset now, IReadOnlyList<MetricSample> samples, MinuteMemo? memo) =>
        RolloutEvaluator.Default.Evaluate(plan, new EvaluationInput(phaseIndex, phaseStart, now, samples) { RolloutStartedAt = phaseStart.AddMinutes(-Before) }, memo: memo);

    private static string Json(RolloutVerdict verdict) => JsonSerializer.Serialize(verdict, ShipRoomJson.Options);

    /// <summary>Revises the canary of the first absolute gate at a judged minute of the window, to the other side of its limit.</summary>
    private static (GateVerdict Gate, DateTimeOffset Minute, GateStatus Before) Revise(RolloutPlan plan, int phaseIndex, List<MetricSample> samples, RolloutVerdict verdict, DateTimeOffset now, bool replaceInPlace)
    {
        var definition = plan.GatesFor(phaseIndex).First(g => g.Pass is AbsoluteCondition && g.Series.Scope != JourneyScope.All);
        var gate = verdict.Gates.First(g => g.Key == definition.Key);
        var minute = Minutes.Floor(now).AddMinutes(-3);
        var status = gate.History.First(m => m.Minute == minute).Status;
        var limit = (AbsoluteCondition)definition.Pass;
        var lowerIsBetter = limit.Operator is ComparisonOperator.LessOrEqual or ComparisonOperator.Less;
        var threshold = (double)limit.Threshold;
        var value = status == GateStatus.Red
            ? (lowerIsBetter ? threshold / 2 : threshold + Math.Max(1, Math.Abs(threshold)))
            : (lowerIsBetter ? threshold + Math.Max(1, Math.Abs(threshold)) : threshold / 2);
        var journey = definition.Series.Scope == JourneyScope.One ? definition.Series.Journey : null;
        var sample = new MetricSample(definition.Series.MetricKey, Cohort.Canary, journey, minute, value);
        var at = samples.FindIndex(s => s.MetricKey == sample.MetricKey && s.Cohort == Cohort.Canary && s.Journey == journey && s.Time == minute);
        if (replaceInPlace && at >= 0)
        {
            samples[at] = sample;
        }
        else
        {
            // As a second row for the minute, after every other: the later sample of a minute wins.
            samples.Add(sample);
        }

        return (gate, minute, status);
    }

    /// <summary>
    /// Every series of the plan over <paramref name="minutes"/> minutes from <paramref name="from"/>: mostly healthy, a fifth
    /// near or past a gate's limit, a canary drifting from its control, and some minutes missing or NaN.
    /// </summary>
    private static List<MetricSample> History(RolloutPlan plan, Random random, DateTimeOffset from, int minutes)
    {
        var samples = new List<MetricSample>();
        for (var minute = 0; minute < minutes; minute++)
        {
            foreach (var metric in plan.Metrics)
            {
                var level = ShippedPlan.Healthy.GetValueOrDefault(metric.Key, 1.0);
                var limit = plan.Gates.Where(g => g.Series.MetricKey == metric.Key).Select(g => g.Pass).OfType<AbsoluteCondition>().FirstOrDefault();
                foreach (var journey in new string?[] { null }.Concat(metric.Journeys))
                {
                    var control = level * (1 + (0.01 * ((2 * random.NextDouble()) - 1)));
                    var canary = random.NextDouble() switch
                    {
                        < 0.12 when limit is not null => (double)limit.Threshold * (1 + (0.01 * ((2 * random.NextDouble()) - 1))),
                        < 0.2 => control * (1 + (0.08 * ((2 * random.NextDouble()) - 1))),
                        _ => level * (1 + (0.01 * ((2 * random.NextDouble()) - 1))),
                    };
                    foreach (var (cohort, value) in new[] { (Cohort.Control, control), (Cohort.Canary, canary) })
                    {
                        var roll = random.NextDouble();
                        if (roll < 0.02)
                        {
                            continue;
                        }

                        samples.Add(new MetricSample(metric.Key, cohort, journey, from.AddMinutes(minute), roll < 0.027 ? double.NaN : value));
                    }
                }
            }
        }

        return samples;
    }
}
