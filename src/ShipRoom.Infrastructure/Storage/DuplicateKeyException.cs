namespace ShipRoom.Infrastructure.Storage;

/// <summary>A unique key (user name, token prefix, ...) already exists; the engine-specific error is the inner exception.</summary>
public sealed class DuplicateKeyException(string message, Exception inner) : Exception(message, inner);
