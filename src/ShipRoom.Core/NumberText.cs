using System.Globalization;

namespace ShipRoom.Core;

/// <summary>A measured value as ShipRoom writes it in reasons, posts and reports: up to three decimals, "—" when missing.</summary>
public static class NumberText
{
    public static string Plain(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—";
}
