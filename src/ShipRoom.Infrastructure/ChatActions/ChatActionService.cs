using Microsoft.Extensions.Logging;
using ShipRoom.Core.Rollouts;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.ChatActions;

/// <summary>A click in chat: who clicked (the chat's own user id and handle), which button, on which rollout.</summary>
public sealed record ChatClick(string Chat, string UserId, string? UserName, string ActionId, string? Value, string ClickId);

/// <summary>What became of a click: the words answered in the thread, and whether the command ran.</summary>
public sealed record ChatActionResult(bool Done, string Text, CommandStatus? Status = null);

/// <summary>
/// Hold, Roll back and Approve from chat: the clicking chat user is mapped to a ShipRoom person through the rollout's
/// roster (the chat handle or member id in a primary's or backup's chat field names them; their ShipRoom account, by
/// user name or display name, holds their roles), then the command goes through <see cref="RolloutCommandService"/>
/// exactly as a click in the dashboard, which checks the role and audits a refusal. A click nobody can be mapped
/// from is refused and audited here.
/// </summary>
public sealed class ChatActionService(IRosterRepository roster, IUserRepository users, RolloutCommandService commands, IAuditLog audit, TimeProvider time, ILogger<ChatActionService> logger)
{
    public async Task<ChatActionResult> ActAsync(ChatClick click, CancellationToken cancellationToken)
    {
        var kind = click.ActionId switch
        {
            ChannelPayloads.ChatButtons.Hold => RolloutCommand.Hold,
            ChannelPayloads.ChatButtons.RollBack => RolloutCommand.RollBack,
            ChannelPayloads.ChatButtons.Approve => RolloutCommand.Approve,
            _ => (RolloutCommand?)null,
        };
        if (kind is null || !long.TryParse(click.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rolloutId))
        {
            return new ChatActionResult(false, "ShipRoom does not know this button.");
        }

        var handle = click.UserName is { Length: > 0 } name ? "@" + name : click.UserId;
        var person = await PersonAsync(rolloutId, click, cancellationToken);
        if (person is null)
        {
            await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), $"{click.Chat}:{handle}", "chat.refused", rolloutId,
                $"Refused {kind.Value.Key()} from {click.Chat}: {handle} is not on this rollout's roster with a ShipRoom account"), cancellationToken);
            logger.LogWarning("A {Chat} click ({Command}) on rollout {RolloutId} came from someone not mapped to a ShipRoom person", click.Chat, kind.Value.Key(), rolloutId);
            return new ChatActionResult(false, $"{handle}: refused — you are not on this rollout's roster with a ShipRoom account, so ShipRoom cannot check your role. Nothing was done.");
        }

        var result = await commands.ExecuteAsync(new CommandRequest(rolloutId, kind.Value, new CommandActor(person.UserName, person.Roles),
            $"{Verb(kind.Value)} from {click.Chat} by {handle}", IdempotencyKey: $"{click.Chat}:{click.UserId}:{click.ClickId}:{kind.Value.Key()}"), cancellationToken);
        var outcome = result.Status switch
        {
            CommandStatus.Executed or CommandStatus.Duplicate => result.Message,
            CommandStatus.Forbidden => $"refused — {result.Message}. Nothing was done.",
            _ => $"not done — {result.Message}",
        };
        return new ChatActionResult(result.Succeeded, $"{handle} ({person.UserName}): {outcome}", result.Status);
    }

    private async Task<UserRecord?> PersonAsync(long rolloutId, ChatClick click, CancellationToken cancellationToken)
    {
        var handles = new[] { click.UserId, "@" + click.UserId, $"<@{click.UserId}>" }
            .Concat(click.UserName is { Length: > 0 } n ? [n, "@" + n] : Array.Empty<string>()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = (await roster.ListAsync(rolloutId, cancellationToken))
            .SelectMany(e => new[] { (e.PrimaryChat, e.PrimaryName), (e.BackupChat, e.BackupName) })
            .Where(p => p.Item1 is { } chat && handles.Contains(chat.Trim()) && !string.IsNullOrWhiteSpace(p.Item2))
            .Select(p => p.Item2!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
        {
            return null;
        }

        var matches = (await users.ListAsync(cancellationToken))
            .Where(u => !u.Disabled && names.Any(name => string.Equals(u.UserName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(u.DisplayName, name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return matches.Count == 1 ? matches[0] : null; // two accounts for one handle: nobody can say which, so nobody
    }

    private static string Verb(RolloutCommand kind) => kind switch
    {
        RolloutCommand.Hold => "Hold clicked",
        RolloutCommand.RollBack => "Roll back clicked",
        _ => "Approve clicked",
    };
}
