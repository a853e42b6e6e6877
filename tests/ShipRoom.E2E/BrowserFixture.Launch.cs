using Microsoft.Playwright;

namespace ShipRoom.E2E;

/// <summary>
/// How Debian's Chromium is launched: the browser path and the flags that keep it on this machine. Its own file so
/// tests/ShipRoom.Benchmarks (its dashboard tabs) links it and launches the browser exactly as the E2E tests do.
/// </summary>
public sealed partial class BrowserFixture
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ],
    };
}
