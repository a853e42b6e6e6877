using Microsoft.Playwright;

namespace ShipRoom.E2E;

/// <summary>
/// The browser the tests and the benchmark's tabs run in: a new context builds no address-bar popup of its own (one
/// launched without the list does), and Playwright's own turned-off features stay off beside ours (Chromium reads only
/// the last --disable-features).
/// </summary>
public sealed class BrowserLaunchTests(BrowserFixture browser)
{
    private const string DisableFeatures = "--disable-features=";

    [Fact]
    public async Task A_new_context_builds_no_omnibox_popup_where_chromium_156_builds_one()
    {
        var withoutOurs = BrowserFixture.LaunchOptions;
        withoutOurs.Args = withoutOurs.Args!.Where(a => !a.StartsWith(DisableFeatures, StringComparison.Ordinal)).ToList();
        await using var plain = await browser.Browser.BrowserType.LaunchAsync(withoutOurs);

        Assert.Contains(await TargetsOfANewContextAsync(plain), url => url.StartsWith("chrome://omnibox-popup", StringComparison.Ordinal));
        Assert.DoesNotContain(await TargetsOfANewContextAsync(browser.Browser), url => url.StartsWith("chrome://omnibox-popup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Playwrights_turned_off_features_stay_off_with_ours()
    {
        var cdp = await browser.Browser.NewBrowserCDPSessionAsync();
        var processes = (await cdp.SendAsync("SystemInfo.getProcessInfo"))!.Value.GetProperty("processInfo").EnumerateArray().ToList();
        var browserProcess = processes.Single(p => p.GetProperty("type").GetString() == "browser").GetProperty("id").GetInt32();

        // The browser's own command line holds Playwright's list first and ours last; the last is the one Chromium reads.
        var lists = Arguments(browserProcess).Where(a => a.StartsWith(DisableFeatures, StringComparison.Ordinal)).Select(Features).ToList();
        Assert.Equal(2, lists.Count);
        Assert.Superset(lists[0], lists[^1]);
        Assert.Contains("WebUIOmniboxPopup", lists[^1]);
    }

    private static async Task<List<string>> TargetsOfANewContextAsync(IBrowser launched)
    {
        await using var context = await launched.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("about:blank");
        var cdp = await launched.NewBrowserCDPSessionAsync();
        var targets = new List<string>();
        // The popup is built with the window; asked for up to 4 s (a loaded machine builds it late) so a late one is not missed.
        for (var attempt = 0; attempt < 21 && !targets.Any(url => url.StartsWith("chrome://omnibox-popup", StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(attempt == 0 ? 0 : 200);
            targets = (await cdp.SendAsync("Target.getTargets"))!.Value.GetProperty("targetInfos").EnumerateArray().Select(t => t.GetProperty("url").GetString()!).ToList();
        }

        Assert.Contains("about:blank", targets);
        return targets;
    }

    private static string[] Arguments(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static HashSet<string> Features(string argument) => argument[DisableFeatures.Length..].Split(',').ToHashSet(StringComparer.Ordinal);
}
