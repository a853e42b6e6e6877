using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>
/// <c>settings.executiveUpdates:</c> — the executive's scheduled status posts ("Daily 10:00 local executive update",
/// "exec status twice daily" for 72 hours after launch): local times of day in a time zone, from T-0 until the rollout
/// ends or for a while after it completed.
/// </summary>
public static partial class PlanParser
{
    public const int MaxExecutiveUpdates = 4;

    private sealed partial class PlanBuilder
    {
        private List<ExecutiveUpdate> ReadExecutiveUpdates(YamlMappingNode settings)
        {
            var updates = new List<ExecutiveUpdate>();
            var list = r.Sequence(r.Child(settings, "executiveUpdates"), "settings.executiveUpdates", required: false);
            if (list.Count > MaxExecutiveUpdates)
            {
                r.Error(r.Child(settings, "executiveUpdates"), "settings.executiveUpdates", $"at most {MaxExecutiveUpdates} scheduled executive updates");
            }

            foreach (var (node, index) in list.Take(MaxExecutiveUpdates).Select((n, i) => (n, i)))
            {
                var field = $"settings.executiveUpdates[{index}]";
                if (r.Mapping(node, field) is not { } map)
                {
                    continue;
                }

                r.OnlyKnownKeys(map, field, "name", "at", "timeZone", "from", "for");
                var name = r.String(map, "name", field);
                var times = new List<TimeOnly>();
                var texts = r.Strings(map, "at", field);
                foreach (var text in texts)
                {
                    if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
                    {
                        times.Add(time);
                    }
                    else
                    {
                        r.Error(r.Child(map, "at"), $"{field}.at", $"'{text}' is not a time of day as HH:mm (e.g. 10:00)");
                    }
                }

                if (texts.Count is 0 or > 4)
                {
                    r.Error(r.Child(map, "at") ?? map, $"{field}.at", "give one to four times of day, e.g. at: [\"10:00\"] or at: [\"09:00\", \"17:00\"]");
                }

                var zone = r.String(map, "timeZone", field, required: false) ?? ExecutiveUpdate.ExecutiveZone;
                if (zone != ExecutiveUpdate.ExecutiveZone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
                {
                    r.Error(r.Child(map, "timeZone"), $"{field}.timeZone", $"'{zone}' is not a time zone: give an IANA zone (e.g. America/New_York) or 'executive' for the executive approver's zone on the roster");
                }

                var from = r.String(map, "from", field, required: false) ?? ExecutiveUpdate.FromStart;
                if (from is not (ExecutiveUpdate.FromStart or ExecutiveUpdate.FromCompletion))
                {
                    r.Error(r.Child(map, "from"), $"{field}.from", $"'{from}' must be '{ExecutiveUpdate.FromStart}' (while the rollout runs) or '{ExecutiveUpdate.FromCompletion}' (after it completed, for a while)");
                }

                var span = r.Duration(map, "for", field);
                if (from == ExecutiveUpdate.FromCompletion && span is null)
                {
                    r.Error(map, $"{field}.for", "updates after completion need how long they go on, e.g. for: 72h");
                }
                else if (span is { } length && (length <= TimeSpan.Zero || length > TimeSpan.FromDays(14)))
                {
                    r.Error(r.Child(map, "for"), $"{field}.for", "for must be longer than zero and at most 14 days");
                }

                if (name is not null && times.Count is > 0 and <= 4)
                {
                    updates.Add(new ExecutiveUpdate(name, times.Distinct().Order().ToList(), zone, from, span));
                }
            }

            return updates;
        }
    }
}
