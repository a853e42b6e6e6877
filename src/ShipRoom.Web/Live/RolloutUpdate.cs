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
/// append at the end. A client whose sequence is not <see cref="Previous"/> has missed one and calls <c>Subscribe</c>
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
/// One chart series of one metric (<see cref="Field"/>: <c>controlSeries</c> or <c>canarySeries</c>): drop <see cref="Drop"/>
/// points, then append one point per non-null <see cref="Values"/>[i] at <see cref="From"/> + i minutes (null: no point
/// that minute). A series whose new points are not on whole minutes sends them in <see cref="Points"/> instead.
/// </summary>
public sealed record SeriesDelta(string Metric, string Field, int Drop, DateTimeOffset? From, IReadOnlyList<double?> Values)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SeriesPoint>? Points { get; init; }
}

/// <summary>
/// One gate's minute-by-minute history (<c>verdict.gates[key == Gate].history</c>): drop <see cref="Drop"/> minutes, then
/// append one minute per non-null <see cref="Status"/>[i] at <see cref="From"/> + i minutes, its values in the arrays of the
/// same index (<see cref="Journey"/> and <see cref="Problem"/> are left out when all null).
/// </summary>
public sealed record HistoryDelta(string Gate, int Drop, DateTimeOffset? From, IReadOnlyList<GateStatus?> Status, IReadOnlyList<double?> Canary, IReadOnlyList<double?> Control)
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
