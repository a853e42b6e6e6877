using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>Screenshots for looking at what we built; with SHIPROOM_UPDATE_SCREENSHOTS=1 they refresh the README's.</summary>
public static class Screenshots
{
    public static async Task SaveAsync(IPage page, string name, bool fullPage = true)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, name), FullPage = fullPage });
        if (Environment.GetEnvironmentVariable("SHIPROOM_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(RepositoryRoot.Path, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(Path.Combine(BrowserFixture.ArtifactsDirectory, name), Path.Combine(docs, name), overwrite: true);
        }
    }
}
