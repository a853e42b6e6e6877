namespace ShipRoom.Core.Conditions;

/// <summary>Which way a metric gets better: it decides what "worse than control" means.</summary>
public enum BetterDirection
{
    Lower,
    Higher,
}
