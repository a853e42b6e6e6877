namespace ShipRoom.Core.Evaluation;

/// <summary>
/// A signal raised against a rollout from outside (an incident tool, a person): "P0 opened", "PII risk". Stored as
/// sent; <see cref="RaisedBy"/> is who (or which API token) raised it, <see cref="RaisedAt"/> the rollout's clock.
/// </summary>
public sealed record ExternalSignal(long Id, string Kind, string Source, string Summary, string? Url, string RaisedBy, DateTimeOffset RaisedAt);
