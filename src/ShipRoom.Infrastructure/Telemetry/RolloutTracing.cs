using System.Diagnostics;

namespace ShipRoom.Infrastructure.Telemetry;

/// <summary>
/// The spans of one update: poll → judge → act (a command: deploy) → publish → push (to the hub clients watching, from
/// the push loop: it starts when the loop takes the update, and its tags say how long it waited in the queue). Cheap
/// when nothing listens; exported over OTLP when ShipRoom:Telemetry:OtlpEndpoint is set.
/// </summary>
public static class RolloutTracing
{
    public const string SourceName = "ShipRoom";
    public const string Poll = "poll";
    public const string Judge = "judge";
    public const string Act = "act";
    public const string Command = "command";
    public const string Deploy = "deploy";
    public const string Publish = "publish";
    public const string Push = "push";
    public const string RolloutIdTag = "shiproom.rollout.id";
    public const string CommandKindTag = "shiproom.command.kind";
    public const string OutcomeTag = "shiproom.outcome";
    public const string SequenceTag = "shiproom.update.sequence";
    public const string WatchersTag = "shiproom.push.watchers";
    public const string QueuedMsTag = "shiproom.push.queued_ms";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts a span for one rollout; null when no one listens.</summary>
    public static Activity? Start(string name, long rolloutId) =>
        Source.StartActivity(name)?.SetTag(RolloutIdTag, rolloutId);

    /// <summary>
    /// Starts a span for one rollout under <paramref name="parent"/>: for work that runs where the current span is not
    /// its cause (the push loop, which takes updates queued by many publishes); null when no one listens.
    /// </summary>
    public static Activity? Start(string name, long rolloutId, ActivityKind kind, ActivityContext parent) =>
        Source.StartActivity(name, kind, parent)?.SetTag(RolloutIdTag, rolloutId);
}
