using System.Text.Json;
using Microsoft.Playwright;

namespace ShipRoom.E2E;

/// <summary>
/// The browser the tests and the benchmark's tabs run in: a new context builds no address-bar popup of its own, and
/// Playwright's own turned-off features stay off beside ours (Chromium reads only the last --disable-features).
/// </summary>
public sealed class BrowserLaunchTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_new_context_builds_no_omnibox_popup_and_playwrights_features_stay_off()
    {
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("about:blank");
        var cdp = await browser.Browser.NewBrowserCDPSessionAsync();

        var targets = (await cdp.SendAsync("Target.getTargets"))!.Value.GetProperty("targetInfos").EnumerateArray().Select(t => t.GetProperty("url").GetString()!).ToList();
        Assert.Contains("about:blank", targets);
        Assert.DoesNotContain(targets, url => url.StartsWith("chrome://omnibox-popup", StringComparison.Ordinal));

        // What the browser really runs with: the list it hands its renderer processes.
        var processes = (await cdp.SendAsync("SystemInfo.getProcessInfo"))!.Value.GetProperty("processInfo").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() == "renderer").Select(p => p.GetProperty("id").GetInt32()).ToList();
        var disabled = processes.Select(DisabledFeaturesOf).First(features => features.Count > 0);
        Assert.Superset(BrowserFixture.DisabledFeatures.ToHashSet(StringComparer.Ordinal), disabled.ToHashSet(StringComparer.Ordinal));
    }

    private static IReadOnlySet<string> DisabledFeaturesOf(int pid)
    {
        // A renderer forked from Chromium's zygote rewrites its command line as one space-separated string.
        var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split(['\0', ' '], StringSplitOptions.RemoveEmptyEntries);
        return arguments.Where(a => a.StartsWith("--disable-features=", StringComparison.Ordinal))
            .SelectMany(a => a["--disable-features=".Length..].Split(',')).ToHashSet(StringComparer.Ordinal);
    }
}
