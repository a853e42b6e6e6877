using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ShipRoom.Core.Plans;

/// <summary>What a phase exposes the new version to.</summary>
public enum PhaseKind
{
    /// <summary>A share of real traffic (<c>traffic: 25</c>).</summary>
    Traffic,

    /// <summary>Synthetic probes only, no real traffic (<c>synthetic: true</c>): "2-hour synthetic canary hitting the endpoints every 60 seconds".</summary>
    Synthetic,

    /// <summary>A soak under generated load, no real traffic (<c>soak: { load: 1.5x, for: 24h }</c>): "steady traffic equal to 1.5x expected peak".</summary>
    Soak,
}

/// <summary>A soak's generated load, as a multiple of the expected peak, held for <see cref="For"/>.</summary>
public sealed record SoakLoad(decimal LoadFactor, TimeSpan For)
{
    public string Describe() => $"{LoadFactor.ToString("0.##", CultureInfo.InvariantCulture)}x peak for {DurationText.Format(For)}";
}

/// <summary>
/// Reads a phase's kind: <c>synthetic: true</c> or <c>soak: { load: 1.5x, for: 2h }</c>. Both carry no real traffic
/// (traffic 0, or left out) and come before the first phase that takes real traffic; a soak's <c>for:</c> is its
/// observation window.
/// </summary>
internal static partial class PhaseKinds
{
    public static readonly string[] Keys = ["synthetic", "soak"];

    [GeneratedRegex(@"^(?<factor>[0-9]+(\.[0-9]+)?)\s*[x×]$", RegexOptions.CultureInvariant)]
    private static partial Regex LoadFactor();

    /// <summary>The kind and soak settings of one phase; <paramref name="observe"/> is filled from a soak's <c>for:</c> when the phase leaves it out.</summary>
    public static (PhaseKind Kind, SoakLoad? Soak) Read(YamlReader r, YamlMappingNode map, string field, ref TimeSpan? observe)
    {
        var synthetic = r.Bool(map, "synthetic", field) ?? false;
        var soakNode = r.Child(map, "soak");
        if (synthetic && soakNode is not null)
        {
            r.Error(soakNode, $"{field}.soak", "a phase is either synthetic (probes only) or a soak (generated load), not both");
            return (PhaseKind.Synthetic, null);
        }

        if (synthetic)
        {
            return (PhaseKind.Synthetic, null);
        }

        if (r.Mapping(soakNode, $"{field}.soak", required: false) is not { } soak)
        {
            return (PhaseKind.Traffic, null);
        }

        r.OnlyKnownKeys(soak, $"{field}.soak", "load", "for");
        var loadText = r.String(soak, "load", $"{field}.soak");
        var duration = r.Duration(soak, "for", $"{field}.soak", required: true);
        decimal? factor = null;
        if (loadText is not null)
        {
            var match = LoadFactor().Match(loadText.Trim());
            if (match.Success && decimal.TryParse(match.Groups["factor"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                factor = parsed;
            }
            else
            {
                r.Error(r.Child(soak, "load"), $"{field}.soak.load", $"'{loadText}' is not a load factor: write a multiple of the expected peak, e.g. 1.5x or 2x");
            }
        }

        if (observe is { } window && duration is { } soakFor && window != soakFor)
        {
            r.Error(r.Child(map, "observe"), $"{field}.observe", $"a soak is observed for as long as it runs: observe ({DurationText.Format(window)}) differs from soak.for ({DurationText.Format(soakFor)}); leave observe out");
        }

        observe ??= duration;
        return (PhaseKind.Soak, factor is { } f && duration is { } d ? new SoakLoad(f, d) : null);
    }

    /// <summary>A phase without real traffic takes 0%: a synthetic or soak phase may leave traffic out or write 0, and nothing else may.</summary>
    public static bool TakesNoRealTraffic(PhaseKind kind) => kind != PhaseKind.Traffic;
}
