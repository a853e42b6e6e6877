using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// A hub client that keeps one rollout's state as docs/live-updates.md tells a client to: the whole snapshot from
/// <c>Subscribe</c>, then each <c>RolloutUpdated</c> applied when its <c>previous</c> is the sequence held; an update
/// that does not follow (one was missed) re-subscribes. Written against the JSON only, as a client in another language
/// would be. <see cref="Drop"/> loses chosen updates on purpose.
/// </summary>
public sealed class HubMirror
{
    private readonly HubConnection _hub;
    private readonly long _rolloutId;
    private readonly ConcurrentQueue<JsonElement> _received = new();

    public HubMirror(HubConnection hub, long rolloutId)
    {
        (_hub, _rolloutId) = (hub, rolloutId);
        // Handlers only queue: invoking the hub from inside a handler would wait on the loop that delivers the answer.
        hub.On<JsonElement>("RolloutUpdated", update =>
        {
            if (update.GetProperty("rolloutId").GetInt64() == rolloutId)
            {
                var copy = update.Clone();
                _received.Enqueue(copy);
                Seen.Enqueue(copy);
            }
        });
    }

    public JsonObject? State { get; private set; }

    /// <summary>Every update of the rollout that arrived, in order (a second <c>On</c> handler of another type would not be called).</summary>
    public ConcurrentQueue<JsonElement> Seen { get; } = new();

    public long Sequence { get; private set; } = -1;

    public int Applied { get; private set; }

    public int Resubscribed { get; private set; }

    public int LargestUpdateBytes { get; private set; }

    /// <summary>Sequences to lose as if the network had.</summary>
    public HashSet<long> Drop { get; } = [];

    public async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var answer = await _hub.InvokeAsync<JsonElement>("Subscribe", _rolloutId, cancellationToken);
        State = JsonNode.Parse(answer.GetProperty("snapshot").GetRawText())!.AsObject();
        Sequence = answer.GetProperty("sequence").GetInt64();
    }

    /// <summary>Works through what has arrived until the state stands at <paramref name="sequence"/> or later (bounded).</summary>
    public async Task CatchUpAsync(long sequence, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (Sequence < sequence)
        {
            Assert.True(DateTime.UtcNow < until, $"the mirror stands at {Sequence}, not {sequence}, after 30 s");
            if (!_received.TryDequeue(out var update))
            {
                await Task.Delay(10, cancellationToken);
                continue;
            }

            var number = update.GetProperty("sequence").GetInt64();
            LargestUpdateBytes = Math.Max(LargestUpdateBytes, update.GetRawText().Length);
            if (Drop.Remove(number) || number <= Sequence)
            {
                continue;
            }

            if (update.GetProperty("previous").GetInt64() != Sequence)
            {
                Resubscribed++;
                await SubscribeAsync(cancellationToken);
                continue;
            }

            State = Apply(State!, update);
            Sequence = number;
            Applied++;
        }
    }

    /// <summary>The client's rule: apply the patch to the state, then rebuild every chart series and gate history from the old state and the deltas.</summary>
    public static JsonObject Apply(JsonObject state, JsonElement update)
    {
        var next = Patched(state.DeepClone(), JsonNode.Parse(update.GetProperty("patch").GetRawText()))!.AsObject();

        var oldMetrics = Metrics(state).GroupBy(m => (string)m["key"]!).ToDictionary(g => g.Key, g => g.First());
        var series = SeriesChanges(update.GetProperty("series"));
        foreach (var metric in Metrics(next))
        {
            foreach (var field in new[] { "controlSeries", "canarySeries" })
            {
                var old = oldMetrics.GetValueOrDefault((string)metric["key"]!)?[field]?.AsArray();
                metric[field] = Changed(old, series.TryGetValue(((string)metric["key"]!, field), out var delta) ? delta : null);
            }
        }

        var oldGates = Gates(state).GroupBy(g => (string)g["key"]!).ToDictionary(g => g.Key, g => g.First());
        var history = HistoryChanges(update.GetProperty("history"));
        foreach (var gate in Gates(next))
        {
            var key = (string)gate["key"]!;
            gate["history"] = Changed(oldGates.GetValueOrDefault(key)?["history"]?.AsArray(), history.TryGetValue(key, out var delta) ? delta : null);
        }

        return next;
    }

    /// <summary>docs/live-updates.md: an object patches an object field by field, <c>$items</c> an array by index, <c>$set</c> and any other value replace.</summary>
    public static JsonNode? Patched(JsonNode? value, JsonNode? patch)
    {
        if (patch is not JsonObject fields)
        {
            return patch?.DeepClone();
        }

        if (fields.TryGetPropertyValue("$set", out var whole))
        {
            return whole?.DeepClone();
        }

        if (fields.TryGetPropertyValue("$items", out var items))
        {
            var array = value!.AsArray();
            foreach (var (index, item) in items!.AsObject())
            {
                var i = int.Parse(index, System.Globalization.CultureInfo.InvariantCulture);
                array[i] = Patched(array[i]?.DeepClone(), item);
            }

            return array;
        }

        var target = value!.AsObject();
        foreach (var (name, field) in fields)
        {
            target[name] = Patched(target[name]?.DeepClone(), field);
        }

        return target;
    }

    private static JsonArray Changed(JsonArray? old, (int Drop, List<JsonNode> Append)? delta)
    {
        var items = (old ?? []).Select(n => n?.DeepClone()).ToList();
        if (delta is { } d)
        {
            items = items.Skip(d.Drop).Concat(d.Append).ToList();
        }

        return new JsonArray(items.ToArray());
    }

    /// <summary>
    /// Each group's drop for every series it names, and the points to append: values[metric][field][i] is the point at
    /// from + i minutes (null: none), or points[metric][field] the points themselves when they are not on whole minutes.
    /// </summary>
    private static Dictionary<(string Metric, string Field), (int Drop, List<JsonNode> Append)> SeriesChanges(JsonElement groups)
    {
        var changes = new Dictionary<(string, string), (int, List<JsonNode>)>();
        foreach (var group in groups.EnumerateArray())
        {
            var drop = group.GetProperty("drop").GetInt32();
            var points = group.TryGetProperty("points", out var p);
            foreach (var metric in (points ? p : group.GetProperty("values")).EnumerateObject())
            {
                foreach (var field in metric.Value.EnumerateObject())
                {
                    var append = points
                        ? field.Value.EnumerateArray().Select(x => JsonNode.Parse(x.GetRawText())!).ToList()
                        : Slots(group, field.Value).Select(s => (JsonNode)new JsonObject { ["time"] = Time(s.Minute), ["value"] = Node(s.Value) }).ToList();
                    changes.Add((metric.Name, field.Name), (drop, append));
                }
            }
        }

        return changes;
    }

    /// <summary>Each group's drop for every gate it names, and the minutes to append: status[i] is the gate's status at from + i minutes (null: no minute there), canary[i], control[i], journey[i] and problem[i] its values.</summary>
    private static Dictionary<string, (int Drop, List<JsonNode> Append)> HistoryChanges(JsonElement groups)
    {
        var changes = new Dictionary<string, (int, List<JsonNode>)>();
        foreach (var group in groups.EnumerateArray())
        {
            foreach (var gate in group.GetProperty("gates").EnumerateObject())
            {
                var columns = gate.Value;
                JsonNode? Column(string name, int index) => columns.TryGetProperty(name, out var column) ? Node(column[index]) : null;
                var append = Slots(group, columns.GetProperty("status")).Select(s => (JsonNode)new JsonObject
                {
                    ["minute"] = Time(s.Minute),
                    ["status"] = Node(s.Value),
                    ["canary"] = Column("canary", s.Index),
                    ["control"] = Column("control", s.Index),
                    ["journey"] = Column("journey", s.Index),
                    ["problem"] = Column("problem", s.Index),
                }).ToList();
                changes.Add(gate.Name, (group.GetProperty("drop").GetInt32(), append));
            }
        }

        return changes;
    }

    private static IEnumerable<(int Index, DateTimeOffset Minute, JsonElement Value)> Slots(JsonElement group, JsonElement column)
    {
        if (column.GetArrayLength() == 0)
        {
            return [];
        }

        var from = group.GetProperty("from").GetDateTimeOffset();
        return column.EnumerateArray().Select((value, index) => (index, from.AddMinutes(index), value)).Where(s => s.value.ValueKind != JsonValueKind.Null);
    }

    private static JsonNode? Time(DateTimeOffset minute) => JsonSerializer.SerializeToNode(minute, ShipRoom.Core.ShipRoomJson.Options);

    private static JsonNode? Node(JsonElement value) => JsonNode.Parse(value.GetRawText());

    private static IEnumerable<JsonObject> Metrics(JsonObject state) =>
        (state["panels"]?.AsArray() ?? []).SelectMany(p => p!["metrics"]!.AsArray()).Select(m => m!.AsObject());

    private static IEnumerable<JsonObject> Gates(JsonObject state) =>
        (state["verdict"]?["gates"]?.AsArray() ?? []).Select(g => g!.AsObject());
}
