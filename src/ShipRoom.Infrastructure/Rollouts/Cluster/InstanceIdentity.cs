namespace ShipRoom.Infrastructure.Rollouts.Cluster;

/// <summary>This process among the instances sharing one database: a fresh id per start, so a restart is a new instance.</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
