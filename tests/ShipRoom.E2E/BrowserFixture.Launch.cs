using Microsoft.Playwright;

namespace ShipRoom.E2E;

/// <summary>
/// How Debian's Chromium is launched: the browser path and the flags that keep it on this machine. Its own file so
/// tests/ShipRoom.Benchmarks (its dashboard tabs) links it and launches the browser exactly as the E2E tests do.
/// </summary>
public sealed partial class BrowserFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// Chromium features turned off. Playwright passes a --disable-features list of its own and Chromium reads only the
    /// last such switch, so this list repeats Playwright's (chromiumSwitches in the driver this package ships) and adds
    /// two: Chromium 156 in headless mode builds the address bar's popup (two WebUI pages in a renderer process of their
    /// own, chrome://omnibox-popup.top-chrome) for every new window, that is for every browser context, and spent about
    /// 0.5 s of CPU on it while the context's page loaded. On this 2-core machine that competed with the page: with it
    /// off, a dashboard tab of a fresh context was interactive in about 520 ms instead of 700 (docs/benchmarks.md,
    /// thirteenth round). A person's browser builds its address bar once, not per page.
    /// </summary>
    public static readonly string[] DisabledFeatures =
    [
        "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "DialMediaRouteProvider", "GlobalMediaControls", "HttpsUpgrades",
        "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning", "BlockOriginHeaderModificationOnRedirect",
        "AvoidCorsURLLoaderRestartOnRedirect", "Translate", "AutoDeElevate", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
        "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
        "WebUIOmniboxPopup", "WebUIOmniboxAimPopup",
    ];

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            $"--disable-features={string.Join(',', DisabledFeatures)}",
        ],
    };
}
