using System.Text;
using System.Text.Unicode;

namespace ShipRoom.Infrastructure.MetricSources.Simulation;

/// <summary>Gaussian noise that depends only on its inputs, so a seed replays the same rollout minute for minute.</summary>
internal static class DeterministicNoise
{
    public static double Gaussian(int seed, string metricKey, string cohort, string? journey, long minute)
    {
        var state = Hash(seed, metricKey, cohort, journey, minute);
        var u1 = ToUnit(SplitMix(ref state));
        var u2 = ToUnit(SplitMix(ref state));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    internal static ulong Hash(int seed, string metricKey, string cohort, string? journey, long minute)
    {
        // FNV-1a over the UTF-8 of "seed|metric|cohort|journey|minute": string.GetHashCode is randomised per process and
        // would break replay. Written into the stack, not a string and its bytes: a back-fill asks for thousands of minutes.
        Span<byte> text = stackalloc byte[256];
        return Utf8.TryWrite(text, $"{seed}|{metricKey}|{cohort}|{journey}|{minute}", out var written)
            ? Fnv1a(text[..written])
            : Fnv1a(Encoding.UTF8.GetBytes($"{seed}|{metricKey}|{cohort}|{journey}|{minute}"));
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // In (0, 1]: never 0, so the logarithm above is finite.
    private static double ToUnit(ulong value) => ((value >> 11) + 1) * (1.0 / (1UL << 53));
}
