using System.Text.Json;
using System.Text.Json.Nodes;
using ShipRoom.Core;
using ShipRoom.Core.Evaluation;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web.Live;

/// <summary>
/// Shapes the slim <c>RolloutUpdated</c> message from two consecutive snapshots of a rollout. Built once per change,
/// whatever the number of hub clients; its size does not grow with the phase's age (new points and minutes only).
/// </summary>
public static class RolloutUpdateBuilder
{
    public const string ControlSeries = "controlSeries";
    public const string CanarySeries = "canarySeries";

    /// <summary>The snapshot as JSON without its chart series and gate histories: what <see cref="RolloutUpdate.Patch"/> compares.</summary>
    public static JsonObject Slim(RolloutSnapshot snapshot)
    {
        var slim = snapshot with
        {
            Panels = snapshot.Panels.Select(p => p with { Metrics = p.Metrics.Select(m => m with { ControlSeries = [], CanarySeries = [] }).ToList() }).ToList(),
            Verdict = snapshot.Verdict is { } verdict ? verdict with { Gates = verdict.Gates.Select(g => g with { History = [] }).ToList() } : null,
        };
        return JsonSerializer.SerializeToNode(slim, ShipRoomJson.Options)!.AsObject();
    }

    /// <summary>Each top-level property of the slim JSON as UTF-8 text: what the store keeps to compare the next snapshot with (a few KB, not a node tree).</summary>
    public static IReadOnlyDictionary<string, byte[]> Fingerprint(JsonObject slim) =>
        slim.ToDictionary(p => p.Key, p => System.Text.Encoding.UTF8.GetBytes(p.Value?.ToJsonString(ShipRoomJson.Options) ?? "null"));

    public static RolloutUpdate Between(long previousSequence, RolloutSnapshot? previous, IReadOnlyDictionary<string, byte[]>? previousSlim, long sequence, RolloutSnapshot current, JsonObject currentSlim,
        IReadOnlyDictionary<string, byte[]>? currentFingerprint = null)
    {
        var patch = new JsonObject();
        foreach (var (name, bytes) in currentFingerprint ?? Fingerprint(currentSlim))
        {
            var old = previousSlim?.GetValueOrDefault(name);
            if (old is not null && old.AsSpan().SequenceEqual(bytes))
            {
                continue;
            }

            // Only a property that changed is compared field by field, against the text the store kept of it.
            if (SnapshotPatch.TryBetween(old is null ? null : JsonNode.Parse(old), currentSlim[name], out var change) || old is null)
            {
                patch[name] = change ?? SnapshotPatch.Whole(currentSlim[name]);
            }
        }

        return new RolloutUpdate(current.Id, sequence, previousSequence, current.Version, current.Status, current.BuiltAt, patch, SeriesChanges(previous, current), HistoryChanges(previous, current));
    }

    private static List<SeriesDelta> SeriesChanges(RolloutSnapshot? previous, RolloutSnapshot current)
    {
        var old = (previous?.Panels ?? []).SelectMany(p => p.Metrics).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.First());
        // Keyed with the offset too: equal instants written with different offsets are different JSON.
        var values = new Dictionary<(int Drop, DateTimeOffset From, TimeSpan Offset), Dictionary<string, Dictionary<string, IReadOnlyList<double?>>>>();
        var points = new Dictionary<int, Dictionary<string, Dictionary<string, IReadOnlyList<SeriesPoint>>>>();
        foreach (var metric in current.Panels.SelectMany(p => p.Metrics))
        {
            var before = old.GetValueOrDefault(metric.Key);
            Add(metric.Key, ControlSeries, before?.ControlSeries ?? [], metric.ControlSeries);
            Add(metric.Key, CanarySeries, before?.CanarySeries ?? [], metric.CanarySeries);
        }

        return
        [
            .. values.Select(g => new SeriesDelta(g.Key.Drop, g.Key.From) { Values = g.Value }),
            .. points.Select(g => new SeriesDelta(g.Key, null) { Points = g.Value }),
        ];

        void Add(string key, string field, IReadOnlyList<SeriesPoint> before, IReadOnlyList<SeriesPoint> after)
        {
            var delta = ListDelta<SeriesPoint>.Between(before, after);
            if (delta.IsEmpty)
            {
                return;
            }

            if (MinuteSlots(delta.Append, p => p.Time) is { } slots)
            {
                Entry(Entry(values, (delta.Drop, slots.From, slots.From.Offset)), key)[field] = Spread(delta.Append, slots, p => (double?)p.Value);
            }
            else
            {
                Entry(Entry(points, delta.Drop), key)[field] = delta.Append;
            }
        }
    }

    /// <summary>The value under <paramref name="key"/>, added empty when there is none.</summary>
    private static TValue Entry<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key)
        where TKey : notnull
        where TValue : new()
    {
        ref var value = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _);
        return value ??= new TValue();
    }

    private static List<HistoryDelta> HistoryChanges(RolloutSnapshot? previous, RolloutSnapshot current)
    {
        var old = (previous?.Verdict?.Gates ?? []).GroupBy(g => g.Key).ToDictionary(g => g.Key, g => g.First().History);
        var groups = new Dictionary<(int Drop, DateTimeOffset? From, TimeSpan? Offset), Dictionary<string, GateMinuteColumns>>();
        foreach (var gate in current.Verdict?.Gates ?? [])
        {
            var delta = ListDelta<GateMinute>.Between(old.GetValueOrDefault(gate.Key) ?? [], gate.History);
            if (delta.IsEmpty)
            {
                continue;
            }

            // A new phase with no complete minute yet empties the history: only a drop, nothing to place on minutes.
            if (delta.Append.Count == 0)
            {
                Entry(groups, (delta.Drop, (DateTimeOffset?)null, (TimeSpan?)null))[gate.Key] = new GateMinuteColumns([], [], []);
                continue;
            }

            // Gate minutes are whole minutes by construction.
            var slots = MinuteSlots(delta.Append, m => m.Minute) ?? throw new InvalidOperationException($"gate {gate.Key}: history minutes are not whole minutes in order");
            Entry(groups, (delta.Drop, (DateTimeOffset?)slots.From, (TimeSpan?)slots.From.Offset))[gate.Key] = new GateMinuteColumns(Spread(delta.Append, slots, m => (GateStatus?)m.Status), Spread(delta.Append, slots, m => m.Canary), Spread(delta.Append, slots, m => m.Control))
            {
                Journey = delta.Append.Any(m => m.Journey is not null) ? Spread(delta.Append, slots, m => m.Journey) : null,
                Problem = delta.Append.Any(m => m.Problem is not null) ? Spread(delta.Append, slots, m => m.Problem) : null,
            };
        }

        return groups.Select(g => new HistoryDelta(g.Key.Drop, g.Key.From, g.Value)).ToList();
    }

    /// <summary>Where each item falls, in whole minutes from the first: null when they are not on whole minutes in increasing order, or too sparse to be worth slots.</summary>
    private static (DateTimeOffset From, int[] Offsets)? MinuteSlots<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> time)
    {
        if (items.Count == 0)
        {
            return null;
        }

        var from = time(items[0]);
        var offsets = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var minutes = (time(items[i]) - from).TotalMinutes;
            if (minutes != Math.Floor(minutes) || (i > 0 && minutes <= offsets[i - 1]) || minutes > (4 * items.Count) + 60)
            {
                return null;
            }

            offsets[i] = (int)minutes;
        }

        return (from, offsets);
    }

    private static List<TValue?> Spread<T, TValue>(IReadOnlyList<T> items, (DateTimeOffset From, int[] Offsets) slots, Func<T, TValue?> value)
    {
        var values = new List<TValue?>(new TValue?[slots.Offsets[^1] + 1]);
        for (var i = 0; i < items.Count; i++)
        {
            values[slots.Offsets[i]] = value(items[i]);
        }

        return values;
    }
}
