namespace ShipRoom.Core.Conditions;

/// <summary>The warning margin next to a limit: within <see cref="Amount"/> units (or percent of the limit) of it, inside it.</summary>
public sealed record YellowBand(decimal Amount, bool PercentOfLimit);
