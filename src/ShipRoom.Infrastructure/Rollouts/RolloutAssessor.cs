using System.Collections.Concurrent;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts;

/// <summary>
/// A rollout judged as it stands: what the engine read (phases, decisions, samples, probe runs) and its verdict.
/// The poll acts on it, a command checks with it, and the snapshot is shaped from it, so one change is read and judged once.
/// </summary>
public sealed record RolloutAssessment(
    RolloutRecord Rollout,
    RolloutPlan Plan,
    DateTimeOffset WallNow,
    DateTimeOffset Now,
    DateTimeOffset EvaluatedUpTo,
    IReadOnlyList<PhaseRecord> Phases,
    IReadOnlyList<DecisionRecord> Decisions,
    IReadOnlyList<MetricSample> Samples,
    IReadOnlyList<ProbeRun> ProbeRuns,
    RolloutVerdict? Verdict)
{
    /// <summary>External signals raised against the rollout, oldest first.</summary>
    public IReadOnlyList<ExternalSignal> Signals { get; init; } = [];

    /// <summary>The rollout's memo the verdict was judged with (live rollouts): its kept index serves the snapshot's charts.</summary>
    public MinuteMemo? Memo { get; init; }

    /// <summary>The memo's generation of the evaluation that gave <see cref="Verdict"/> (<see cref="MinuteMemo.ReadIndex{T}"/>).</summary>
    public int MemoGeneration { get; init; }

    /// <summary>
    /// The rollout's fact version, read before its phases and decisions (live rollouts; null otherwise): what the
    /// snapshot's panels are kept under (<see cref="IRolloutFactChangeRepository"/>).
    /// </summary>
    public long? FactVersion { get; init; }

    /// <summary>When the canary first took traffic (the first phase's start), or null before the rollout started.</summary>
    public DateTimeOffset? StartedAt => Phases.Where(p => p.StartedAt is not null).Select(p => p.StartedAt).Min();
}

/// <summary>Reads what the engine judges a rollout from, and judges it. Never reads the clock of the engine itself: the rollout's clock is passed in.</summary>
public sealed class RolloutAssessor(
    IRolloutRepository rollouts,
    IRolloutFactChangeRepository factChanges,
    SampleWindows samples,
    IDecisionRepository decisions,
    IProbeRunRepository probeRuns,
    ISignalRepository signals,
    PlanCache plans,
    TimeProvider time)
{
    /// <summary>Minutes of history read before the phase began: for sigma conditions, streaks carried over a phase change and the charts.</summary>
    public static readonly TimeSpan History = TimeSpan.FromMinutes(240);

    /// <summary>Decisions read for approvals, the last resume and the timeline.</summary>
    public const int RecentDecisions = 100;

    /// <summary>
    /// Each live rollout's gate and trigger minutes from its previous evaluation, so a poll judges only new or revised
    /// minutes (the verdict is the same without it). Dropped once the rollout has finished.
    /// </summary>
    private readonly ConcurrentDictionary<long, MinuteMemo> _memos = new();

    /// <summary>
    /// Each live rollout's phases and recent decisions, under the fact version they were read at: they change only when
    /// a command is carried out or someone signs off, and a poll read them again each time.
    /// </summary>
    private readonly KeptByFactVersion<(IReadOnlyList<PhaseRecord> Phases, IReadOnlyList<DecisionRecord> Decisions)> _facts = new();

    /// <summary>Reads of a live rollout that reused its kept phases and decisions (for tests and diagnostics).</summary>
    public long FactsReused => _facts.Reused;

    /// <summary>Rollouts holding a memo (for tests and diagnostics).</summary>
    public int MemoCount => _memos.Count;

    /// <summary>Judgements of the live rollouts that extended their kept series index instead of building it (for tests and diagnostics).</summary>
    public long IndexExtensions => _memos.Values.Sum(memo => (long)memo.IndexExtensions);

    /// <param name="commandsFirst">
    /// A poll's judgement gives way to the commands this process carries out through it, before it reads its window and
    /// again before it judges it: the heaviest work of a poll on either engine (a first poll's hour of samples). Free
    /// (none) for a judgement someone waits for: a page, a signal, a command's own check.
    /// </param>
    public async Task<RolloutAssessment> AssessAsync(RolloutRecord rollout, CancellationToken cancellationToken, WriteTurns.BackgroundTurn? commandsFirst = null)
    {
        commandsFirst ??= WriteTurns.BackgroundTurn.Free;
        var plan = plans.Get(rollout);
        var wallNow = time.GetUtcNow();
        var now = RolloutClock.Now(rollout, wallNow);
        var (phases, recent, factVersion) = await PhasesAndDecisionsAsync(rollout, cancellationToken);
        var phaseStart = rollout.PhaseStartedAt ?? now;
        var evaluatedUpTo = Minutes.Floor(rollout.LastPolledTo is { } polled && polled < now ? polled : now);
        if (rollout.PhaseStartedAt is null)
        {
            return new RolloutAssessment(rollout, plan, wallNow, now, evaluatedUpTo, phases, recent, [], [], null) { FactVersion = factVersion };
        }

        var rolloutStart = phases.Where(p => p.StartedAt is not null).Select(p => p.StartedAt!.Value).DefaultIfEmpty(phaseStart).Min();
        await commandsFirst.YieldToCommandsAsync(cancellationToken);
        var loaded = await samples.ReadAsync(rollout.Id, Minutes.Floor(ReadFrom(plan, phaseStart, rolloutStart, evaluatedUpTo)), evaluatedUpTo, rollout.LastPolledTo, cancellationToken);
        var raised = plan.Signals.Count == 0 && !plan.Triggers.Any(t => t.When is not null) ? [] : await signals.ListAsync(rollout.Id, cancellationToken);
        var probes = plan.Probes.Count == 0 ? [] : await probeRuns.ListAsync(rollout.Id, rolloutStart, now.AddMinutes(1), cancellationToken);
        var input = new EvaluationInput(rollout.PhaseIndex, phaseStart, evaluatedUpTo, loaded, probes, DecisionInputs.Approvals(recent))
        {
            RolloutStartedAt = rolloutStart,
            RolloutEnded = RolloutStateMachine.IsFinished(rollout.Status),
            Signals = raised,
            PaymentCapsLifted = DecisionInputs.PaymentCapsLifted(recent),
        };
        var memo = input.RolloutEnded ? null : _memos.GetOrAdd(rollout.Id, _ => new MinuteMemo());
        if (input.RolloutEnded)
        {
            _memos.TryRemove(rollout.Id, out _);
            samples.Forget(rollout.Id);
        }

        if (memo is not null)
        {
            // The index holds the window's samples: kept only while the window is, so it adds none of its own.
            memo.KeepsIndex = samples.Holds(rollout.Id);
        }

        await commandsFirst.YieldToCommandsAsync(cancellationToken);
        RolloutVerdict verdict;
        var judgedBy = 0;
        if (memo is null)
        {
            verdict = RolloutEvaluator.Default.Evaluate(plan, input, DecisionInputs.TriggersFrom(recent, phaseStart));
        }
        else
        {
            // The evaluator takes the same lock: the generation read here is this evaluation's, before another can begin.
            lock (memo)
            {
                verdict = RolloutEvaluator.Default.Evaluate(plan, input, DecisionInputs.TriggersFrom(recent, phaseStart), memo);
                judgedBy = memo.Generation;
            }
        }

        return new RolloutAssessment(rollout, plan, wallNow, now, evaluatedUpTo, phases, recent, loaded, probes, verdict)
        {
            Signals = raised, Memo = memo, MemoGeneration = judgedBy, FactVersion = factVersion,
        };
    }

    /// <summary>A live rollout's phases and decisions, kept while its fact version stands; read each time for the others.</summary>
    private async Task<(IReadOnlyList<PhaseRecord> Phases, IReadOnlyList<DecisionRecord> Decisions, long? Version)> PhasesAndDecisionsAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        async Task<(IReadOnlyList<PhaseRecord>, IReadOnlyList<DecisionRecord>)> ReadAsync() =>
            (await rollouts.ListPhasesAsync(rollout.Id, cancellationToken), await decisions.ListAsync(rollout.Id, RecentDecisions, cancellationToken));

        if (!RolloutStateMachine.IsLive(rollout.Status))
        {
            _facts.Forget(rollout.Id);
            var (phases, recent) = await ReadAsync();
            return (phases, recent, null);
        }

        var version = await factChanges.VersionAsync(rollout.Id, cancellationToken);
        var kept = await _facts.GetOrReadAsync(rollout.Id, version, ReadAsync);
        return (kept.Phases, kept.Decisions, version);
    }

    /// <summary>
    /// The history the plan needs: the hours before the phase, and where the plan declares SLOs or enforces payment caps,
    /// everything since the rollout began (budget spent and caps used are counted from there) and the longest burn window.
    /// </summary>
    private static DateTimeOffset ReadFrom(RolloutPlan plan, DateTimeOffset phaseStart, DateTimeOffset rolloutStart, DateTimeOffset upTo)
    {
        var from = phaseStart - History;
        if (plan.Slos.Count > 0 || plan.PaymentCaps is not null)
        {
            from = rolloutStart < from ? rolloutStart : from;
        }

        var longestBurn = plan.Triggers.Select(t => t.When).OfType<BudgetBurnCondition>().Select(b => b.Window ?? TimeSpan.Zero)
            .Concat(plan.Triggers.Select(t => t.When).OfType<CombinedTriggerCondition>().SelectMany(c => c.Parts).OfType<BudgetBurnCondition>().Select(b => b.Window ?? TimeSpan.Zero))
            .DefaultIfEmpty(TimeSpan.Zero).Max();
        return upTo - longestBurn < from ? upTo - longestBurn : from;
    }
}
