using System.Text;
using System.Text.RegularExpressions;

namespace ShipRoom.Core.Notifications;

/// <summary>
/// A post's wording with <c>{placeholder}</c> fields (<c>{{</c> and <c>}}</c> for literal braces). The first line is
/// the title. Rendering never fails: a line whose placeholders all came out empty is left out, so optional facts
/// vanish instead of leaving "Scope: ".
/// </summary>
public static partial class PostTemplate
{
    public const int MaxLength = 4000;

    [GeneratedRegex(@"\{\{|\}\}|\{([a-z0-9_]*)\}")]
    private static partial Regex Field();

    /// <summary>Problems with a template for <paramref name="kind"/>, each naming its line; empty when it may be saved.</summary>
    public static IReadOnlyList<string> Check(PostKind kind, string template)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(template))
        {
            return ["the template is empty: its first line is the post's title"];
        }

        if (template.Length > MaxLength)
        {
            problems.Add($"the template is {template.Length} characters; at most {MaxLength}");
        }

        var known = kind.AllPlaceholders.ToHashSet(StringComparer.Ordinal);
        var lines = template.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in Field().Matches(lines[i]))
            {
                if (match.Groups[1].Success && !known.Contains(match.Groups[1].Value))
                {
                    problems.Add($"line {i + 1}: {{{match.Groups[1].Value}}} is not a placeholder of '{kind.Key}' posts (use one of: {string.Join(", ", kind.AllPlaceholders.Select(p => "{" + p + "}"))})");
                }
            }

            var stripped = Field().Replace(lines[i], "");
            if (stripped.Contains('{') || stripped.Contains('}'))
            {
                problems.Add($"line {i + 1}: a lone brace; write {{{{ or }}}} for a literal one");
            }
        }

        return problems;
    }

    /// <summary>The title (first line) and the body, with every placeholder replaced by its value (missing ones are empty).</summary>
    public static (string Title, string Body) Render(string template, IReadOnlyDictionary<string, string?> values)
    {
        var output = new List<string>();
        foreach (var line in template.Replace("\r\n", "\n").Split('\n'))
        {
            var fields = 0;
            var filled = 0;
            var rendered = Field().Replace(line, match =>
            {
                if (!match.Groups[1].Success)
                {
                    return match.Value[..1];
                }

                fields++;
                var value = values.TryGetValue(match.Groups[1].Value, out var v) ? v : null;
                if (!string.IsNullOrWhiteSpace(value))
                {
                    filled++;
                }

                return value ?? "";
            });
            if (fields == 0 || filled > 0)
            {
                output.Add(rendered.TrimEnd());
            }
        }

        while (output.Count > 0 && output[0].Length == 0)
        {
            output.RemoveAt(0);
        }

        var title = output.Count > 0 ? output[0] : "";
        var body = new StringBuilder();
        foreach (var line in output.Skip(1))
        {
            body.Append(line).Append('\n');
        }

        return (title, body.ToString().Trim('\n'));
    }
}
