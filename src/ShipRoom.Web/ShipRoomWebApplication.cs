using ShipRoom.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using ShipRoom.Core;
using ShipRoom.Infrastructure.Logging;
using ShipRoom.Infrastructure.Scheduling;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Api;
using ShipRoom.Web.Authentication;
using ShipRoom.Web.Components;
using ShipRoom.Web.Configuration;
using ShipRoom.Web.Health;
using ShipRoom.Web.Live;
using ShipRoom.Web.Security;
using ShipRoom.Web.Telemetry;
using ShipRoom.Infrastructure.Rollouts.Snapshots;

namespace ShipRoom.Web;

/// <summary>
/// Builds the whole ShipRoom pipeline. Program.cs, the API and component tests and the Playwright tests all start
/// the same app through here; <paramref name="configure"/> lets a test replace configuration or services.
/// </summary>
public static class ShipRoomWebApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        ThreadPoolFloor.Raise();
        var builder = WebApplication.CreateBuilder(args);
        // Serve package assets (MudBlazor, Plotly) from the build output in every environment, as `dotnet run` does not
        // set Development; published output carries them in wwwroot and ignores this.
        builder.WebHost.UseStaticWebAssets();
        builder.Logging.AddShipRoomConsole();
        configure?.Invoke(builder);
        AddServices(builder.Services, builder.Configuration);
        var app = builder.Build();
        ConfigurePipeline(app);
        return app;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddShipRoomStorage(configuration);

        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(configuration, ConfigurationKeys.AuthSection);
        services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(configuration, ConfigurationKeys.SecuritySection);
        services.AddOptions<MetricsEndpointOptions>().Bind(configuration.GetSection(ConfigurationKeys.MetricsSection)).ValidateOnStart();

        services.AddSingleton<ReadinessState>();
        services.AddShipRoomTelemetry(configuration);
        services.AddSingleton<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
        services.AddScoped<LocalAccountService>();
        services.AddScoped<InitialAdminSeeder>();
        services.AddSingleton<UserAdminService>();

        // Storage must be migrated before anything else starts (including the scheduler's jobs).
        services.AddHostedService<StartupTasks>();
        services.AddShipRoomRollouts(configuration);
        services.AddSingleton<RolloutSnapshotStore>();
        services.AddSingleton<ILocalRolloutPublisher>(provider => provider.GetRequiredService<RolloutSnapshotStore>());
        services.AddSingleton<IRolloutPublisher, ShipRoom.Infrastructure.Rollouts.Cluster.ClusterPublisher>();
        services.AddSingleton<RolloutSnapshotReader>();
        services.AddSingleton<FreezeBoard>();
        services.AddSingleton<ShipRoom.Web.Security.BotFrameworkTokens>();
        services.AddHostedService(provider => provider.GetRequiredService<FreezeBoard>());
        services.AddSingleton<RolloutDirectory>();
        services.AddValidatedOptions<LiveOptions, LiveOptionsValidator>(configuration, ConfigurationKeys.LiveSection);
        services.AddScoped<ViewerClock>();
        services.AddCircuitConnections();
        services.AddShipRoomScheduling(configuration);
        services.AddSignalR().AddJsonProtocol(options => ShipRoomJson.Configure(options.PayloadSerializerOptions));
        services.ConfigureHttpJsonOptions(options => ShipRoomJson.Configure(options.SerializerOptions));

        services.AddShipRoomAuthentication(configuration);
        services.AddShipRoomRateLimiting(configuration);
        services.AddShipRoomProxySupport(configuration);
        // Behind TLS the public port is 443 unless https_port says otherwise (without a port the redirect is skipped).
        services.AddHttpsRedirection(options => options.HttpsPort = configuration.GetValue<int?>("https_port") ?? 443);
        services.AddShipRoomDataProtection(configuration);
        services.AddAntiforgery();
        services.AddHttpContextAccessor();

        // A pasted plan (up to 256 KB, escaped) must fit in one circuit message.
        services.AddRazorComponents().AddInteractiveServerComponents().AddHubOptions(options => options.MaximumReceiveMessageSize = 1024 * 1024);
        services.AddCascadingAuthenticationState();
        services.AddMudServices(mud => mud.PopoverOptions.QueueDelay = PopoverQueueDelay);
    }

    /// <summary>
    /// How often each circuit's MudBlazor popover queue ticks (MudBlazor's default is 0.5 s). Its timer runs from when
    /// <c>MudPopoverProvider</c> in <c>MainLayout</c> first resolves the service, whether or not a popover is ever opened:
    /// with 20 dashboards open, 40 wake-ups a second of the runtime's timer thread, each handing a work item to the pool.
    /// At 5 s the bench's server CPU per update per open dashboard went from 4.40-5.17 to 1.57-2.06 ms
    /// (docs/benchmarks.md, nineteenth round). The queue only holds popovers whose component was disposed: they leave
    /// the page at once, and the tick only drops their browser-side bookkeeping (observers, listeners), now up to 5 s
    /// later. Opening, closing and placing a popover never wait for it.
    /// </summary>
    public static readonly TimeSpan PopoverQueueDelay = TimeSpan.FromSeconds(5);

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/ready") || path.StartsWithSegments("/metrics");

    public static void ConfigurePipeline(WebApplication app)
    {
        // First: everything after it (https redirect, cookies, rate limits, origin check) sees the client, not the proxy.
        app.UseForwardedHeaders();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        // An unknown address gets a real page with status 404 instead of a blank one. The API and the hub keep their
        // own answers: a 404 there is for programs, not people.
        // Page views only: a refused form post (400 antiforgery, 429 sign-in limit) keeps its own answer, and running the
        // pipeline again for it would read the refused form a second time.
        app.UseWhen(context => (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
                && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments(RolloutsHub.Path),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // Routing after the status code pages, so the re-executed request for /not-found finds its endpoint (the
        // implicit UseRouting would run first and keep the original, missing one).
        app.UseRouting();

        // Read, not validated, here: start-up validation reports every section's problems together a moment later.
        if (app.Configuration.GetSection(ConfigurationKeys.SecuritySection).Get<SecurityOptions>()?.RequireHttps == true)
        {
            // Behind TLS: send browsers to https and tell them to stay there. Probes and scrapes reach a pod directly
            // over http inside the cluster: a redirect would hide the answer (a kubelet counts 307 as healthy).
            app.UseHsts();
            app.UseWhen(context => !IsProbeOrScrape(context.Request.Path), branch => branch.UseHttpsRedirection());
        }

        app.UseSecurityHeaders();
        app.UseBrowserOriginCheck();
        app.UseRequestCounting();
        app.UseAuthentication();
        // After authentication, so API limits are per caller rather than per address.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapPrometheusEndpoint();
        app.MapAccountEndpoints();
        app.MapRolloutEndpoints();
        app.MapExecutionCallbackEndpoints();
        app.MapSignalEndpoints();
        app.MapTokenEndpoints();
        app.MapAuditEndpoints();
        app.MapReportEndpoints();
        app.MapPostmortemEndpoints();
        app.MapFreezeEndpoints();
        app.MapSlackInteractionEndpoints();
        app.MapPagingEndpoints();
        app.MapTeamsBotEndpoints();
        app.MapNotificationEndpoints();
        app.MapHub<RolloutsHub>(RolloutsHub.Path);
        // The dashboards' live connections are not compressed: each compressed WebSocket keeps a zlib state outside the
        // managed heap (about 0.25 MB more resident memory per open dashboard: 20 tabs, three runs each, 2.95 MB against
        // 2.71 MB on average), while an update to a dashboard is about 7 KB as it is (docs/benchmarks.md, eighth round). It also
        // keeps page secrets and user text out of one compression context.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.DisableWebSocketCompression = true);
    }
}
