using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Core.Rollouts.Replay;

/// <summary>
/// Replays a recorded rollout minute by minute through the engine and the <see cref="RolloutJudge"/>, the way the live
/// poller judges it, and compares the automatic commands it takes with those the live run took.
/// </summary>
/// <remarks>
/// What the replay assumes of the live run: it judged every whole minute of the rollout's clock as soon as the minute
/// was complete (a plan's <c>pollEvery: 1m</c>, every poll on time), and judged again at once after any probe round
/// with a failed run; probes stamped on a whole minute ran after that minute's poll. A person's command takes effect
/// at the time it was requested, before the next judgement. Where the live run polled less often, it acted later than
/// the replay says: the replay shows the earliest minute the engine would have acted.
/// </remarks>
public static class RolloutReplay
{
    /// <summary>How far before the phase start the live snapshot reads samples (sigma history, trigger carry-over, charts).</summary>
    public static readonly TimeSpan HistoryBeforePhase = TimeSpan.FromMinutes(240);

    public static ReplayResult Run(RolloutRecording recording) => new Replayer(recording).Run();

    private enum EventKind
    {
        Minute,
        ProbeRound,
    }

    private sealed class Replayer(RolloutRecording recording)
    {
        private readonly List<MetricSample> _samples = recording.Samples.OrderBy(s => s.Time).ToList();
        private readonly List<ProbeRun> _probes = recording.ProbeRuns.OrderBy(r => r.RanAt).ToList();
        private readonly List<RecordedCommand> _inputs = recording.CommandsByPeople.OrderBy(c => c.At).ToList();
        private readonly List<ReplayEntry> _timeline = [];
        private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
        private readonly List<RecordedCommand> _unmatched = recording.AutomaticCommands.OrderBy(c => c.At).ToList();
        private readonly List<ApprovalGiven> _approvals = recording.Approvals.OrderBy(a => a.At).ToList();
        private int _nextInput;
        private int _nextApproval;
        private int _judgements;
        private RolloutState _state = new(recording.Plan.Phases.Count == 1 ? RolloutStatus.Stabilising : RolloutStatus.Running, 0);
        private DateTimeOffset _phaseStart = Minutes.Floor(recording.StartedAt);

        public ReplayResult Run()
        {
            foreach (var (at, kind) in Events())
            {
                ApplyInputsUntil(at);
                if (RolloutStateMachine.IsFinished(_state.Status))
                {
                    break;
                }

                Judge(at, kind);
            }

            ApplyInputsUntil(DateTimeOffset.MaxValue);
            foreach (var missed in _unmatched)
            {
                _timeline.Add(new ReplayEntry(missed.At, Word(missed.Command), missed.Actor, true, "", _state.Status, PhaseName(_state.PhaseIndex), missed.Reason, ReplayMatch.RecordedOnly));
            }

            var ordered = _timeline.Select((e, i) => (e, i)).OrderBy(p => p.e.At).ThenBy(p => p.i).Select(p => p.e).ToList();
            return new ReplayResult(Minutes.Floor(recording.StartedAt), recording.JudgedUntil, _judgements, ordered, _state.Status, PhaseName(_state.PhaseIndex));
        }

        /// <summary>Every whole minute the live run polled, and every probe round with a failure, in time order (a minute's poll first).</summary>
        private IEnumerable<(DateTimeOffset At, EventKind Kind)> Events()
        {
            var minutes = new List<(DateTimeOffset, EventKind)>();
            for (var minute = Minutes.Floor(recording.StartedAt).AddMinutes(1); minute <= recording.JudgedUntil; minute = minute.AddMinutes(1))
            {
                minutes.Add((minute, EventKind.Minute));
            }

            var rounds = _probes.Where(r => r.RanAt >= recording.StartedAt && Minutes.Floor(r.RanAt) <= recording.JudgedUntil)
                .GroupBy(r => r.RanAt)
                .Where(g => g.Any(r => !r.Passed))
                .Select(g => (g.Key, EventKind.ProbeRound));
            return minutes.Concat(rounds).OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        }

        private void Judge(DateTimeOffset at, EventKind kind)
        {
            var now = kind == EventKind.Minute ? at : Minutes.Floor(at);
            var plan = recording.Plan;
            var input = new EvaluationInput(_state.PhaseIndex, _phaseStart, now, SamplesBefore(now), ProbesUntil(at, kind), ApprovalsUntil(at))
            {
                RolloutStartedAt = recording.StartedAt,
            };
            var verdict = RolloutEvaluator.Default.Evaluate(plan, input, TriggersFrom(at));
            _judgements++;
            if (RolloutJudge.Decide(plan, verdict, _state, recording.AutoAdvance) is not { } decision || !_taken.Add(decision.IdempotencyKey(0, _state.PhaseIndex)))
            {
                return;
            }

            var phase = PhaseName(_state.PhaseIndex);
            Apply(decision.Command, at, RolloutActor.Automatic, decision.Reason);
            var recorded = _unmatched.FindIndex(c => c.Command == decision.Command && Minutes.Floor(c.At) == Minutes.Floor(at));
            if (recorded >= 0)
            {
                _unmatched.RemoveAt(recorded);
            }

            _timeline.Add(new ReplayEntry(at, Word(decision.Command), RolloutActor.AutomaticName, true, phase, _state.Status, PhaseName(_state.PhaseIndex), decision.Reason,
                recorded >= 0 ? ReplayMatch.AsRecorded : ReplayMatch.NotRecorded));
        }

        /// <summary>People's commands and sign-offs up to <paramref name="until"/>, in time order, while the rollout can still change.</summary>
        private void ApplyInputsUntil(DateTimeOffset until)
        {
            while (!RolloutStateMachine.IsFinished(_state.Status))
            {
                var command = _nextInput < _inputs.Count && _inputs[_nextInput].At <= until ? _inputs[_nextInput] : null;
                var approval = _nextApproval < _approvals.Count && _approvals[_nextApproval].At <= until ? _approvals[_nextApproval] : null;
                if (approval is not null && (command is null || approval.At < command.At))
                {
                    _nextApproval++;
                    _timeline.Add(new ReplayEntry(approval.At, "approve", approval.Actor, false, PhaseName(approval.FromPhaseIndex), _state.Status, PhaseName(_state.PhaseIndex),
                        approval.Reason, ReplayMatch.Input));
                    continue;
                }

                if (command is null)
                {
                    return;
                }

                _nextInput++;
                var phase = PhaseName(_state.PhaseIndex);
                var refusal = Apply(command.Command, command.At, RolloutActor.Person(command.Actor), command.Reason);
                _timeline.Add(new ReplayEntry(command.At, Word(command.Command), command.Actor, false, phase, _state.Status, PhaseName(_state.PhaseIndex),
                    refusal is null ? command.Reason : $"{command.Reason} (not possible in the replay: {refusal})", refusal is null ? ReplayMatch.Input : ReplayMatch.InputRefused));
            }
        }

        /// <summary>Moves the replayed rollout as the command service would; returns why not when the state machine refuses.</summary>
        private string? Apply(RolloutCommand command, DateTimeOffset at, RolloutActor actor, string reason)
        {
            var phases = recording.Plan.Phases.Count;
            var transition = RolloutStateMachine.Apply(_state, command, phases, actor, string.IsNullOrWhiteSpace(reason) ? "(no reason recorded)" : reason);
            if (!transition.Allowed)
            {
                return transition.Refusal;
            }

            if (transition.To.PhaseIndex != _state.PhaseIndex)
            {
                _phaseStart = Minutes.Floor(at);
            }

            _state = transition.To;
            if (_state.Status == RolloutStatus.RollingBack)
            {
                _state = RolloutStateMachine.Apply(_state, RolloutCommand.RollbackCompleted, phases, actor, "rollback carried out").To;
            }

            return null;
        }

        /// <summary>The samples the live snapshot loads: from well before the phase start up to the last complete minute.</summary>
        private List<MetricSample> SamplesBefore(DateTimeOffset now)
        {
            var from = Minutes.Floor(_phaseStart - HistoryBeforePhase);
            var first = LowerBound(from);
            var last = LowerBound(now);
            return _samples.GetRange(first, Math.Max(0, last - first));
        }

        private int LowerBound(DateTimeOffset time)
        {
            int low = 0, high = _samples.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (_samples[middle].Time < time)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        /// <summary>The probe runs recorded by then: at a minute's poll, those before it; in a probe round, that round too.</summary>
        private List<ProbeRun> ProbesUntil(DateTimeOffset at, EventKind kind) =>
            _probes.Where(r => r.RanAt >= recording.StartedAt && (kind == EventKind.ProbeRound ? r.RanAt <= at : r.RanAt < at)).ToList();

        /// <summary>The sign-offs given by then, newest first, as the live snapshot lists them.</summary>
        private List<ApprovalGiven> ApprovalsUntil(DateTimeOffset at) =>
            _approvals.Take(_nextApproval).Where(a => a.At <= at).Reverse().ToList();

        /// <summary>After a resume, trigger streaks count afresh from it (as the live snapshot does).</summary>
        private DateTimeOffset? TriggersFrom(DateTimeOffset at) =>
            _inputs.Take(_nextInput).LastOrDefault(c => c.Command == RolloutCommand.Resume && c.ResumedAt is not null && c.At <= at) is { ResumedAt: { } resumed } && resumed > _phaseStart ? resumed : null;

        private string PhaseName(int index) => index >= 0 && index < recording.Plan.Phases.Count ? recording.Plan.Phases[index].Name : $"phase {index}";

        private static string Word(RolloutCommand command) => command.ToString().ToLowerInvariant();
    }
}
