using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class RosterEditDialogTests : ComponentTestContext
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowAsync(RosterEntry? entry)
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<RosterEditDialog> { { d => d.Title, "Data lead" }, { d => d.Role, "data" }, { d => d.Entry, entry } };
        IDialogReference? dialog = null;
        await provider.InvokeAsync(async () => dialog = await Services.GetRequiredService<IDialogService>().ShowAsync<RosterEditDialog>("Data lead", parameters));
        return (provider, dialog!);
    }

    [Fact]
    public async Task The_form_starts_from_the_entry_held_and_save_returns_it_changed_for_the_same_role()
    {
        var (provider, dialog) = await ShowAsync(new RosterEntry("data", "Dee", "+1 555 0101", "@dee", "Europe/Berlin", "Ed", "+1 555 0102", "@ed", "UTC", 2));

        var inputs = provider.FindAll(".mud-dialog input");
        Assert.Equal(["Dee", "+1 555 0101", "@dee", "Europe/Berlin", "Ed", "+1 555 0102", "@ed", "UTC", "2"], inputs.Select(i => i.GetAttribute("value")));
        inputs[5].Change("+1 555 0199");
        provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Save").Click();

        var result = await dialog.Result;
        Assert.False(result!.Canceled);
        Assert.Equal(new RosterEntry("data", "Dee", "+1 555 0101", "@dee", "Europe/Berlin", "Ed", "+1 555 0199", "@ed", "UTC", 2), result.Data);
    }

    [Fact]
    public async Task Cancel_returns_nothing_to_save()
    {
        var (provider, dialog) = await ShowAsync(null);

        Assert.All(provider.FindAll(".mud-dialog input").Take(8), i => Assert.True(string.IsNullOrEmpty(i.GetAttribute("value"))));
        provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.True((await dialog.Result)!.Canceled);
    }
}
