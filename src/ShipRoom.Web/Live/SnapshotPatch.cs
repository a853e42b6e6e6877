using System.Text.Json.Nodes;

namespace ShipRoom.Web.Live;

/// <summary>
/// The change from one JSON value to the next as a patch that names only what changed, down to the field: most of a
/// rollout's snapshot (names, limits, idle triggers, journeys' labels) is the same poll after poll, and sending only the
/// moved values keeps an update within its budget. The rule a client applies is in docs/live-updates.md:
/// <list type="bullet">
/// <item>an object patches an object: each of its properties patches the property of the same name;</item>
/// <item><c>{"$items": {"3": patch}}</c> patches an array of the same length, element by index;</item>
/// <item><c>{"$set": value}</c> replaces the value whole (an object whose properties changed, or that was not there);</item>
/// <item>any other value (number, text, null, array) replaces the value.</item>
/// </list>
/// Snapshot property names never start with <c>$</c>, so the markers cannot be mistaken for a property.
/// </summary>
public static class SnapshotPatch
{
    public const string Items = "$items";
    public const string Set = "$set";

    /// <summary>The patch that turns <paramref name="before"/> into <paramref name="after"/>, or false when they are equal.</summary>
    public static bool TryBetween(JsonNode? before, JsonNode? after, out JsonNode? patch)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            patch = null;
            return false;
        }

        if (before is JsonObject oldObject && after is JsonObject newObject && SameNames(oldObject, newObject))
        {
            var fields = new JsonObject();
            foreach (var (name, value) in newObject)
            {
                if (TryBetween(oldObject[name], value, out var field))
                {
                    fields[name] = field;
                }
            }

            patch = fields;
            return true;
        }

        if (before is JsonArray oldArray && after is JsonArray newArray && oldArray.Count == newArray.Count)
        {
            var items = new JsonObject();
            for (var i = 0; i < newArray.Count; i++)
            {
                if (TryBetween(oldArray[i], newArray[i], out var item))
                {
                    items[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = item;
                }
            }

            // A capped list that gained an entry at the front (the timeline, the posts) changes at every index: when its
            // element patches outweigh the list, the list goes whole.
            var byIndex = new JsonObject { [Items] = items };
            patch = byIndex.ToJsonString().Length >= after.ToJsonString().Length ? Whole(after) : byIndex;
            return true;
        }

        patch = Whole(after);
        return true;
    }

    /// <summary>A value sent whole: an object is wrapped so that it is not read as a patch of the old object.</summary>
    public static JsonNode? Whole(JsonNode? value) => value is JsonObject ? new JsonObject { [Set] = value.DeepClone() } : value?.DeepClone();

    private static bool SameNames(JsonObject a, JsonObject b) => a.Count == b.Count && a.All(p => b.ContainsKey(p.Key));
}
