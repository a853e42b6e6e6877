using ShipRoom.Core.Notifications;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>One post kind's wording as it stands: the saved template, or the built-in default.</summary>
public sealed record PostTemplateView(PostKind Kind, string Template, bool IsDefault, string? UpdatedBy, DateTimeOffset? UpdatedAt);

public sealed record TemplateChangeResult(bool Saved, IReadOnlyList<string> Problems, bool Forbidden = false);

/// <summary>
/// Release engineering's wording for each post kind. Saving checks the role on the server, refuses unknown
/// placeholders with the line they are on, and writes an audit entry; resetting goes back to the default.
/// </summary>
public sealed class PostTemplateService(INotificationRepository repository, IAuditLog audit, TimeProvider time)
{
    public static bool MayEdit(CommandActor actor) => PermissionMatrix.IsAllowed(actor.Roles, RolloutAction.EditPostTemplates);

    public async Task<IReadOnlyList<PostTemplateView>> ListAsync(CancellationToken cancellationToken)
    {
        var saved = await SavedAsync(cancellationToken);
        return PostKinds.All.Select(k => saved.TryGetValue(k.Key, out var s)
            ? new PostTemplateView(k, s.Template, false, s.UpdatedBy, s.UpdatedAt)
            : new PostTemplateView(k, k.DefaultTemplate, true, null, null)).ToList();
    }

    public async Task<string> TemplateForAsync(string kind, CancellationToken cancellationToken)
    {
        var saved = await SavedAsync(cancellationToken);
        return saved.TryGetValue(kind, out var s) ? s.Template : PostKinds.Find(kind)?.DefaultTemplate ?? "{release}: " + kind;
    }

    public async Task<TemplateChangeResult> SaveAsync(CommandActor actor, string kind, string template, CancellationToken cancellationToken)
    {
        if (!MayEdit(actor))
        {
            return new TemplateChangeResult(false, [$"editing post templates needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.EditPostTemplates).Order(StringComparer.Ordinal))}"], Forbidden: true);
        }

        if (PostKinds.Find(kind) is not { } postKind)
        {
            return new TemplateChangeResult(false, [$"'{kind}' is not a post kind (kinds: {string.Join(", ", PostKinds.All.Select(k => k.Key))})"]);
        }

        var text = template.Replace("\r\n", "\n").Trim();
        var problems = PostTemplate.Check(postKind, text);
        if (problems.Count > 0)
        {
            return new TemplateChangeResult(false, problems);
        }

        var now = time.GetUtcNow();
        await repository.SaveTemplateAsync(new NotificationTemplateRecord(kind, text, actor.Name, now), cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(now, actor.Name, "notifications.template.saved", null, $"Post template '{kind}' changed", Reason: text.Length > 500 ? text[..500] + "…" : text), cancellationToken);
        return new TemplateChangeResult(true, []);
    }

    public async Task<TemplateChangeResult> ResetAsync(CommandActor actor, string kind, CancellationToken cancellationToken)
    {
        if (!MayEdit(actor))
        {
            return new TemplateChangeResult(false, [$"editing post templates needs one of these roles: {string.Join(", ", PermissionMatrix.RolesFor(RolloutAction.EditPostTemplates).Order(StringComparer.Ordinal))}"], Forbidden: true);
        }

        if (PostKinds.Find(kind) is null)
        {
            return new TemplateChangeResult(false, [$"'{kind}' is not a post kind (kinds: {string.Join(", ", PostKinds.All.Select(k => k.Key))})"]);
        }

        await repository.DeleteTemplateAsync(kind, cancellationToken);
        await audit.AppendAsync(new AuditEntryDraft(time.GetUtcNow(), actor.Name, "notifications.template.reset", null, $"Post template '{kind}' reset to the default"), cancellationToken);
        return new TemplateChangeResult(true, []);
    }

    // Read each time (a handful of rows, only when a post is composed) so an edit on one instance holds on every other.
    private async Task<IReadOnlyDictionary<string, NotificationTemplateRecord>> SavedAsync(CancellationToken cancellationToken) =>
        (await repository.ListTemplatesAsync(cancellationToken)).ToDictionary(t => t.Kind, StringComparer.Ordinal);
}
