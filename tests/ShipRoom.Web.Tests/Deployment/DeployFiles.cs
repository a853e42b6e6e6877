using System.Text.RegularExpressions;
using ShipRoom.Web.Tests.Hosting;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Web.Tests.Deployment;

/// <summary>Reads deploy/ (compose, Kubernetes manifests) and the configuration keys README.md documents.</summary>
internal static partial class DeployFiles
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "deploy");

    public static YamlMappingNode Compose => (YamlMappingNode)Load(Path.Combine(Folder, "compose.yaml")).Single();

    public static IReadOnlyList<YamlMappingNode> Kubernetes =>
        Directory.GetFiles(Path.Combine(Folder, "kubernetes"), "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(Load).OfType<YamlMappingNode>().ToList();

    public static YamlMappingNode Kind(string kind) => Kubernetes.Single(d => Text(d, "kind") == kind);

    public static IReadOnlyList<YamlNode> Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).ToList();
    }

    public static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var step in path)
        {
            node = int.TryParse(step, out var index) ? ((YamlSequenceNode)node).Children[index] : ((YamlMappingNode)node).Children[new YamlScalarNode(step)];
        }

        return node;
    }

    public static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value ?? "";

    public static IReadOnlyList<string> Texts(YamlNode node, params string[] path) =>
        ((YamlSequenceNode)At(node, path)).Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();

    public static IReadOnlyDictionary<string, string> Map(YamlNode node, params string[] path) =>
        ((YamlMappingNode)At(node, path)).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? "");

    /// <summary>Every configuration key in README.md's table ("`A:B:C` / `D`" documents A:B:C and A:B:D).</summary>
    public static IReadOnlySet<string> DocumentedKeys()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot.Path, "README.md")).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var firstCell = line.Split('|', StringSplitOptions.RemoveEmptyEntries)[0];
            var prefix = "";
            foreach (Match token in BacktickToken().Matches(firstCell))
            {
                var key = token.Groups[1].Value;
                if (key.Contains(':', StringComparison.Ordinal) || key.ToUpperInvariant() == key)
                {
                    keys.Add(key);
                    prefix = key.Contains(':', StringComparison.Ordinal) ? key[..(key.LastIndexOf(':') + 1)] : "";
                }
                else
                {
                    keys.Add(prefix + key);
                }
            }
        }

        return keys;
    }

    /// <summary>An environment variable as the configuration key it sets: '__' is ':', list indexes dropped.</summary>
    public static string ConfigurationKey(string variable) =>
        string.Join(':', variable.Split("__").Where(segment => !segment.All(char.IsAsciiDigit)));

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickToken();
}
