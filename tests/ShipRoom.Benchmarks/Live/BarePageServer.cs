using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The baseline for the memory row (<c>ShipRoom.Benchmarks barepage --port P --framework-dir DIR</c>, its own process):
/// a Blazor Server page with nothing on it but one line of text, interactive over its own circuit as ShipRoom's pages
/// are. What an open dashboard costs beyond one of these is the dashboard's own cost. The project is not a Web SDK
/// project, so blazor.web.js is served from the published ShipRoom's <c>wwwroot/_framework</c> (--framework-dir).
/// </summary>
public static class BarePageServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        var frameworkDir = Path.GetFullPath(options.Required("framework-dir"));
        if (!File.Exists(Path.Combine(frameworkDir, "blazor.web.js")))
        {
            throw new ArgumentException($"{frameworkDir} has no blazor.web.js (give the published ShipRoom's wwwroot/_framework)");
        }

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Int("port", 0)));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(frameworkDir), RequestPath = "/_framework" });
        app.UseAntiforgery();
        app.MapRazorComponents<BareApp>().AddInteractiveServerRenderMode();
        await app.StartAsync();
        await Console.Out.WriteLineAsync($"barepage listening on {string.Join(", ", ServerAddresses.Of(app))}");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The document: the page, interactive on the server, and blazor.web.js.</summary>
    public sealed class BareApp : ComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.AddMarkupContent(0, "<!DOCTYPE html>");
            builder.OpenElement(1, "html");
            builder.AddAttribute(2, "lang", "en");
            builder.AddMarkupContent(3, "<head><meta charset=\"utf-8\" /><base href=\"/\" /><title>bare Blazor page</title></head>");
            builder.OpenElement(4, "body");
            builder.OpenComponent<BarePage>(5);
            builder.AddComponentRenderMode(RenderMode.InteractiveServer);
            builder.CloseComponent();
            builder.AddMarkupContent(6, "<script src=\"_framework/blazor.web.js\"></script>");
            builder.CloseElement();
            builder.CloseElement();
        }
    }

    /// <summary>One line, and the same interactivity marker ShipRoom's layout renders once the circuit is live.</summary>
    [Route("/")]
    public sealed class BarePage : ComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "main");
            builder.AddAttribute(1, "data-interactive", RendererInfo.IsInteractive ? "true" : "false");
            builder.AddContent(2, "A bare Blazor Server page.");
            builder.CloseElement();
        }
    }
}
