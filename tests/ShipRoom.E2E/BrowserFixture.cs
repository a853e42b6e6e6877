using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(ShipRoom.E2E.BrowserFixture))]

namespace ShipRoom.E2E;

/// <summary>One Debian Chromium for the whole run; never a downloaded browser, never a connection off this machine.</summary>
public sealed partial class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ArtifactsDirectory { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("SHIPROOM_TEST_ARTIFACTS") is { Length: > 0 } dir ? Path.Combine(dir, "e2e") : Path.Combine(Path.GetTempPath(), "shiproom-e2e")).FullName;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (scripts/test.sh does).");
        }

        // Blazor Server answers over a circuit on a machine whose two cores also run four other test projects: an
        // expectation waits up to 20 s before it fails (Playwright's default is 5 s).
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(LaunchOptions);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
