using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Rollouts.Polling;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Infrastructure.Tests.Rollouts;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Web.Tests.Components;

/// <summary>
/// For components that send commands: the real rollout services on a fresh SQLite database (no fakes: a click goes
/// through the command service, its permission check and storage), a signed-in person, and the dialog and snackbar
/// providers the app layout renders, so a test answers the reason dialog as a person would.
/// </summary>
public abstract class CommandComponentTestContext : ComponentTestContext
{
    private RolloutTestHost? _host;

    protected RolloutTestHost Host => _host ?? throw new InvalidOperationException("InitializeAsync has not run");

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public override async ValueTask InitializeAsync()
    {
        _host = await RolloutTestHost.CreateAsync(new SqliteEngine());
        Services.AddSingleton(_host.Commands);
        Services.AddSingleton(_host.Poller);
        Services.AddSingleton(_host.Get<ChecklistService>());
        Services.AddSingleton(_host.Get<RosterService>());
        Services.AddSingleton(_host.Get<PhaseSummaryService>());
    }

    protected override async ValueTask DisposeServicesAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>Signs in <paramref name="name"/> holding <paramref name="roles"/> (none: signed in, no ShipRoom role).</summary>
    protected void SignIn(string name, params string[] roles)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized(name);
        authorization.SetRoles(roles);
    }

    /// <summary>Where menus and autocomplete lists open, once <see cref="RenderProviders"/> has run.</summary>
    protected IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;

    /// <summary>The dialog and snackbar providers, rendered once before the component as MainLayout does.</summary>
    protected IRenderedComponent<MudDialogProvider> RenderProviders()
    {
        Popovers = Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<MudDialogProvider>();
    }

    /// <summary>A running rollout on the simulator and its snapshot as the builder shapes it from storage.</summary>
    protected async Task<RolloutSnapshot> RunningRolloutAsync()
    {
        var id = await Host.StartRolloutAsync(startedAgo: TimeSpan.FromMinutes(5));
        await Host.Poller.PollAsync(id, Ct);
        return await LatestAsync(id);
    }

    protected async Task<RolloutSnapshot> LatestAsync(long id) => (await Host.Snapshots.BuildAsync(id, Ct))!;

    protected static IElement Button<T>(IRenderedComponent<T> component, string text) where T : Microsoft.AspNetCore.Components.IComponent =>
        component.FindAll("button").Single(b => b.TextContent.Trim() == text);

    /// <summary>Types <paramref name="reason"/> into the open reason dialog and presses its confirm button.</summary>
    protected static void AnswerReasonDialog(IRenderedComponent<MudDialogProvider> dialogs, string confirmText, string reason)
    {
        dialogs.WaitForElement("textarea").Input(reason);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == confirmText).Click();
    }

    protected ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();
}
