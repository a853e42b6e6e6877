using System.Text.Json.Nodes;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// What <c>Subscribe</c> answers: the whole snapshot and the sequence number of the update it stands at. Updates with a
/// <see cref="RolloutUpdate.Previous"/> equal to this <see cref="Sequence"/> apply to it (docs/live-updates.md).
/// </summary>
public sealed record RolloutState(long Sequence, RolloutSnapshot Snapshot);

/// <summary>
/// One <c>RolloutUpdated</c> message: only what changed since the update numbered <see cref="Previous"/>. Snapshot
/// properties whose value changed come in <see cref="Patch"/>, down to the field that moved (<see cref="SnapshotPatch"/>;
/// chart series and gate histories are left out of it); chart series and gate histories change by <see cref="ListDelta{T}"/>: drop from the front,
/// append at the end, in groups that share the drop (and the first new minute, for values on whole minutes). A client whose sequence is not <see cref="Previous"/> has missed one and calls <c>Subscribe</c>
/// again. <see cref="Version"/> and <see cref="Status"/> are repeated on every update for clients that only watch those.
/// </summary>
public sealed record RolloutUpdate(
    long RolloutId,
    long Sequence,
    long Previous,
    long Version,
    RolloutStatus Status,
    DateTimeOffset BuiltAt,
    JsonObject Patch,
    IReadOnlyList<SeriesDelta> Series,
    IReadOnlyList<HistoryDelta> History);

/// <summary>
/// The chart series that drop <see cref="Drop"/> points and whose new points start at <see cref="From"/> (a poll's usual
/// change, one new minute of every series, is one of these): for each metric key, for its <c>controlSeries</c> and/or
/// <c>canarySeries</c>, one value per minute from <see cref="From"/> (<see cref="Values"/>; null: no point that minute).
/// Series whose new points are not on whole minutes come in a group whose <see cref="From"/> is null, as
/// <see cref="Points"/>; so do series that only lost points, with an empty list. The metric key and the time are
/// written once per group, not once per series: repeated for 58 series they were about a quarter of a demo update
/// (docs/live-updates.md).
/// </summary>
public sealed record SeriesDelta(int Drop, DateTimeOffset? From)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, Dictionary<string, IReadOnlyList<double?>>>? Values { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, Dictionary<string, IReadOnlyList<SeriesPoint>>>? Points { get; init; }
}

/// <summary>
/// The gate histories (<c>verdict.gates[key].history</c>) that drop <see cref="Drop"/> minutes and whose new minutes
/// start at <see cref="From"/>, by gate key (<see cref="GateMinuteColumns"/>). <see cref="From"/> is null for histories
/// that only lost minutes.
/// </summary>
public sealed record HistoryDelta(int Drop, DateTimeOffset? From, IReadOnlyDictionary<string, GateMinuteColumns> Gates);

/// <summary>
/// A gate's new minutes in columns: one minute per non-null <see cref="Status"/>[i] at the group's <c>from</c> + i
/// minutes, its values in the arrays of the same index (<see cref="Journey"/> and <see cref="Problem"/> are left out when
/// all null).
/// </summary>
public sealed record GateMinuteColumns(IReadOnlyList<GateStatus?> Status, IReadOnlyList<double?> Canary, IReadOnlyList<double?> Control)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string?>? Journey { get; init; }

    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string?>? Problem { get; init; }
}

/// <summary>A list that became <c>old[Drop..] + Append</c>.</summary>
public readonly record struct ListDelta<T>(int Drop, IReadOnlyList<T> Append)
{
    public bool IsEmpty => Drop == 0 && Append.Count == 0;

    /// <summary>
    /// The smallest change of this shape from <paramref name="old"/> to <paramref name="current"/>: where the new list
    /// starts inside the old one and the old tail matches, only the new items; otherwise everything is replaced.
    /// </summary>
    public static ListDelta<T> Between(IReadOnlyList<T> old, IReadOnlyList<T> current)
    {
        var comparer = EqualityComparer<T>.Default;
        if (current.Count == 0)
        {
            return new ListDelta<T>(old.Count, []);
        }

        for (var start = 0; start < old.Count; start++)
        {
            if (!comparer.Equals(old[start], current[0]))
            {
                continue;
            }

            var kept = old.Count - start;
            if (kept > current.Count)
            {
                break;
            }

            var matches = true;
            for (var i = 1; i < kept && matches; i++)
            {
                matches = comparer.Equals(old[start + i], current[i]);
            }

            if (matches)
            {
                return new ListDelta<T>(start, current.Skip(kept).ToList());
            }

            break;
        }

        return new ListDelta<T>(old.Count, current);
    }
}
