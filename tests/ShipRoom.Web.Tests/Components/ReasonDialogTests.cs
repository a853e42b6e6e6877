using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ShipRoom.Web.Components.Controls;

namespace ShipRoom.Web.Tests.Components;

public sealed class ReasonDialogTests : ComponentTestContext
{
    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> ShowAsync(string initialReason = "")
    {
        var provider = Render<MudDialogProvider>();
        var parameters = new DialogParameters<ReasonDialog>
        {
            { d => d.Title, "Hold?" },
            { d => d.Explanation, "Stop at the current traffic share." },
            { d => d.ConfirmText, "Hold" },
            { d => d.ConfirmColor, Color.Warning },
            { d => d.InitialReason, initialReason },
        };
        IDialogReference? dialog = null;
        await provider.InvokeAsync(async () => dialog = await Services.GetRequiredService<IDialogService>().ShowAsync<ReasonDialog>("Hold?", parameters));
        return (provider, dialog!);
    }

    private static AngleSharp.Dom.IElement Confirm(IRenderedComponent<MudDialogProvider> provider) =>
        provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Hold");

    [Fact]
    public async Task The_dialog_shows_title_and_explanation_and_confirm_needs_a_reason_that_is_not_blank()
    {
        var (provider, _) = await ShowAsync();

        Assert.Contains("Hold?", provider.Find(".mud-dialog-title").TextContent);
        Assert.Contains("Stop at the current traffic share.", provider.Find(".mud-dialog-content").TextContent);
        Assert.True(Confirm(provider).HasAttribute("disabled"));
        provider.Find("textarea").Input("   ");
        Assert.True(Confirm(provider).HasAttribute("disabled"));
        provider.Find("textarea").Input("p95 climbing");
        Assert.False(Confirm(provider).HasAttribute("disabled"));
        Assert.Contains("mud-button-filled-warning", Confirm(provider).ClassName);
    }

    [Fact]
    public async Task Confirm_returns_the_reason_trimmed()
    {
        var (provider, dialog) = await ShowAsync();

        provider.Find("textarea").Input("  p95 climbing \n");
        Confirm(provider).Click();

        var result = await dialog.Result;
        Assert.Equal((false, (object?)"p95 climbing"), (result!.Canceled, result.Data));
    }

    [Fact]
    public async Task A_reason_given_beforehand_can_be_confirmed_as_it_is_and_cancel_returns_no_reason()
    {
        var (provider, dialog) = await ShowAsync("scheduled maintenance");
        Assert.False(Confirm(provider).HasAttribute("disabled"));

        provider.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        var result = await dialog.Result;
        Assert.True(result!.Canceled);
        Assert.Null(result.Data);
    }
}
