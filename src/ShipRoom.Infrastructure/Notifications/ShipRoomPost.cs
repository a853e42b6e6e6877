namespace ShipRoom.Infrastructure.Notifications;

public enum PostSeverity
{
    Info,
    Good,
    Warning,
    Critical,
}

/// <summary>
/// One #ship-room post before it is shaped for a channel. Title and body are already cleaned of PII and secrets;
/// <see cref="Mention"/> is the executive's chat handle when the post needs their attention (YELLOW, RED, margin).
/// </summary>
public sealed record ShipRoomPost(
    string Kind,
    string EventKey,
    long RolloutId,
    PostSeverity Severity,
    string Title,
    string Body,
    string? DashboardUrl,
    string? Mention,
    string? MentionReason,
    DateTimeOffset At);
