namespace ShipRoom.Infrastructure.Rollouts.Snapshots;

/// <summary>
/// This instance's own viewers (its store, circuits and hub clients) and nothing else: a change learnt from another
/// instance is published here, so it is never announced again and instances do not echo each other.
/// </summary>
public interface ILocalRolloutPublisher : IRolloutPublisher;
