namespace ShipRoom.Web.Health;

/// <summary>What start-up has finished; /ready reads it before asking the database and the scheduler.</summary>
public sealed class ReadinessState
{
    private volatile bool _storageReady;

    public bool StorageReady => _storageReady;

    public void MarkStorageReady() => _storageReady = true;
}
