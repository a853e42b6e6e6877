using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>Typed reads from a YAML tree that record a problem (with line and column) instead of throwing.</summary>
internal sealed class YamlReader(string file)
{
    public List<PlanProblem> Problems { get; } = [];

    public void Error(YamlNode? node, string field, string message) =>
        Problems.Add(new PlanProblem(file, Line(node), Column(node), field, message));

    public void Warn(YamlNode? node, string field, string message) =>
        Problems.Add(new PlanProblem(file, Line(node), Column(node), field, message, ProblemSeverity.Warning));

    public static int Line(YamlNode? node) => node is null ? 1 : (int)Math.Max(1, node.Start.Line);

    public static int Column(YamlNode? node) => node is null ? 1 : (int)Math.Max(1, node.Start.Column);

    public YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>Flags keys the plan format does not know: a typo must not silently drop a gate's setting.</summary>
    public void OnlyKnownKeys(YamlMappingNode map, string field, params string[] known)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                var suggestion = known.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                Error(key, $"{field}.{name}", $"unknown field '{name}'" + (suggestion is null ? $" (known: {string.Join(", ", known)})" : $"; did you mean '{suggestion}'?"));
            }
        }
    }

    public YamlMappingNode? Mapping(YamlNode? node, string field, bool required = true)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                return mapping;
            case null when !required:
                return null;
            case null:
                Error(node, field, "is required");
                return null;
            default:
                Error(node, field, "must be a mapping (key: value lines)");
                return null;
        }
    }

    public IReadOnlyList<YamlNode> Sequence(YamlNode? node, string field, bool required = true)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return sequence.Children.ToList();
            case null when !required:
                return [];
            case null:
                Error(node, field, "is required");
                return [];
            default:
                Error(node, field, "must be a list");
                return [];
        }
    }

    public string? String(YamlMappingNode map, string key, string field, bool required = true)
    {
        var node = Child(map, key);
        if (node is null)
        {
            if (required)
            {
                Error(map, $"{field}.{key}", "is required");
            }

            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            Error(node, $"{field}.{key}", "must be a single value");
            return null;
        }

        if (string.IsNullOrWhiteSpace(scalar.Value))
        {
            if (required)
            {
                Error(node, $"{field}.{key}", "must not be empty");
            }

            return null;
        }

        return scalar.Value.Trim();
    }

    public IReadOnlyList<string> Strings(YamlMappingNode map, string key, string field)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return [];
        }

        if (node is YamlScalarNode scalar && !string.IsNullOrWhiteSpace(scalar.Value))
        {
            return [scalar.Value.Trim()];
        }

        var values = new List<string>();
        foreach (var item in Sequence(node, $"{field}.{key}"))
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value })
            {
                values.Add(value.Trim());
            }
            else
            {
                Error(item, $"{field}.{key}", "each entry must be a single value");
            }
        }

        return values;
    }

    public bool? Bool(YamlMappingNode map, string key, string field)
    {
        var text = String(map, key, field, required: false);
        if (text is null)
        {
            return null;
        }

        switch (text.ToLowerInvariant())
        {
            case "true" or "yes" or "y" or "on":
                return true;
            case "false" or "no" or "n" or "off":
                return false;
            default:
                Error(Child(map, key), $"{field}.{key}", $"'{text}' is not yes/no or true/false");
                return null;
        }
    }

    public decimal? Number(YamlMappingNode map, string key, string field, bool required = false, decimal? min = null, decimal? max = null)
    {
        var text = String(map, key, field, required);
        if (text is null)
        {
            return null;
        }

        var node = Child(map, key);
        if (!decimal.TryParse(text.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            Error(node, $"{field}.{key}", $"'{text}' is not a number");
            return null;
        }

        if (value < min || value > max)
        {
            Error(node, $"{field}.{key}", $"{value.ToString(CultureInfo.InvariantCulture)} is out of range ({min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} to {max?.ToString(CultureInfo.InvariantCulture) ?? "∞"})");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(YamlMappingNode map, string key, string field, bool required = false, bool allowNegative = false)
    {
        var text = String(map, key, field, required);
        if (text is null)
        {
            return null;
        }

        var node = Child(map, key);
        if (!DurationText.TryParse(text, out var duration))
        {
            Error(node, $"{field}.{key}", $"'{text}' is not a duration (write e.g. 15m, 90m, 2h, 1h30m)");
            return null;
        }

        if (!allowNegative && duration <= TimeSpan.Zero)
        {
            Error(node, $"{field}.{key}", $"'{text}' must be a positive duration");
            return null;
        }

        return duration;
    }

    public TEnum? Enum<TEnum>(YamlMappingNode map, string key, string field, bool required = true)
        where TEnum : struct, System.Enum
    {
        var text = String(map, key, field, required);
        if (text is null)
        {
            return null;
        }

        var normalised = text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (System.Enum.TryParse<TEnum>(normalised, ignoreCase: true, out var value) && !int.TryParse(normalised, out _))
        {
            return value;
        }

        Error(Child(map, key), $"{field}.{key}", $"'{text}' is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return null;
    }
}
