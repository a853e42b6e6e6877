namespace ShipRoom.Web.Health;

/// <summary>A start-up step failed for a reason the operator can fix; the message says which setting and how.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
