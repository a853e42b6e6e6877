using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Benchmarks.Live;

/// <summary>Where a started Kestrel app listens (port 0 is chosen by the system: read it back).</summary>
public static class ServerAddresses
{
    public static IReadOnlyCollection<string> Of(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
