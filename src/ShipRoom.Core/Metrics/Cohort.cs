namespace ShipRoom.Core.Metrics;

/// <summary>The two populations every metric is compared across.</summary>
public enum Cohort
{
    Control,
    Canary,
}
