using Bunit;
using MudBlazor;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;

namespace ShipRoom.Web.Tests.Components;

public sealed class SummaryPanelTests : CommandComponentTestContext
{
    [Fact]
    public void A_viewer_reads_summaries_but_has_no_form()
    {
        SignIn("vera", Roles.Viewer);

        var panel = Render<SummaryPanel>(p => p.Add(x => x.Snapshot, Snapshot(null)));

        Assert.Contains("No summaries yet.", panel.Markup);
        Assert.Empty(panel.FindAll("textarea"));
        Assert.DoesNotContain(panel.FindAll("button"), b => b.TextContent.Trim() == "Post summary");
    }

    [Fact]
    public void A_summary_shows_author_phase_recommendation_and_its_markdown_made_safe()
    {
        SignIn("vera", Roles.Viewer);
        var summary = new SummarySnapshot(4, "1%", "pat", "NO-GO", "**Conversion** down 2%\n\n<script>alert(1)</script>[x](javascript:alert(1))", Now);

        var panel = Render<SummaryPanel>(p => p.Add(x => x.Snapshot, Snapshot(null) with { Summaries = [summary] }));

        var article = panel.Find("article[data-summary='4']");
        Assert.Contains("pat", article.QuerySelector("header")!.TextContent);
        Assert.Contains("at 1%", article.QuerySelector("header")!.TextContent);
        Assert.Contains("summary-no-go", article.QuerySelector(".summary-rec")!.ClassName);
        Assert.Equal("Conversion", article.QuerySelector(".summary-body strong")!.TextContent);
        Assert.Empty(article.QuerySelectorAll("script"));
        Assert.DoesNotContain("javascript:", article.InnerHtml);
        Assert.DoesNotContain("No summaries yet.", panel.Markup);
    }

    [Fact]
    public async Task A_product_manager_posts_a_summary_which_is_stored_under_their_name_and_the_form_clears()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("pat", Roles.ProductManager);
        RenderProviders();
        var panel = Render<SummaryPanel>(p => p.Add(x => x.Snapshot, snapshot));
        var post = () => panel.FindAll("button").Single(b => b.TextContent.Trim() == "Post summary");
        Assert.True(post().HasAttribute("disabled"));

        panel.Find("textarea").Input("SLOs green; payment KPIs flat");
        Assert.True(post().HasAttribute("disabled"), "nothing is recommended until the PM chooses");
        Choose(panel, "GO");
        Assert.False(post().HasAttribute("disabled"));
        await post().ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Success), TimeSpan.FromSeconds(10));
        var stored = Assert.Single((await LatestAsync(snapshot.Id)).Summaries);
        Assert.Equal(("pat", "GO"), (stored.Author, stored.Recommendation));
        Assert.StartsWith("SLOs green; payment KPIs flat", stored.Markdown);
        panel.WaitForAssertion(() => Assert.True(post().HasAttribute("disabled")));
    }

    [Fact]
    public async Task A_refused_post_keeps_the_text_and_says_why()
    {
        var snapshot = await RunningRolloutAsync();
        SignIn("pat", Roles.ProductManager);
        RenderProviders();
        var panel = Render<SummaryPanel>(p => p.Add(x => x.Snapshot, snapshot with { Id = snapshot.Id + 1000 }));

        panel.Find("textarea").Input("draft");
        Choose(panel, "HOLD");
        await panel.FindAll("button").Single(b => b.TextContent.Trim() == "Post summary").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Contains(Snackbar.ShownSnackbars, s => s.Severity == Severity.Error));
        Assert.False(panel.FindAll("button").Single(b => b.TextContent.Trim() == "Post summary").HasAttribute("disabled"));
    }

    /// <summary>Picks a recommendation as a person does: a click on the radio named <paramref name="option"/>.</summary>
    private static void Choose(IRenderedComponent<SummaryPanel> panel, string option)
    {
        var radio = panel.FindAll(".mud-radio").First(r => r.TextContent.Trim() == option);
        var input = radio.QuerySelector("input") ?? throw new InvalidOperationException($"the {option} radio has no input");
        try
        {
            input.Click();
        }
        catch (Bunit.MissingEventHandlerException)
        {
            input.Change(true);
        }
    }
}
