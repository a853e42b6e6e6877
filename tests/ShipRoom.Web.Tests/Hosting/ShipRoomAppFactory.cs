using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>
/// The real ShipRoom pipeline on a fresh SQLite file (or the PostgreSQL database given in settings), configured only
/// through settings so it starts exactly as `dotnet run` does.
/// </summary>
public class ShipRoomAppFactory : WebApplicationFactory<Program>
{
    public const string AdminUserName = "admin";
    public const string AdminPassword = "Test-Admin-Password-1!";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _useKestrel;

    public ShipRoomAppFactory(IReadOnlyDictionary<string, string?>? settings = null, bool useKestrel = false)
    {
        DataDirectory = Directory.CreateTempSubdirectory("shiproom-web-").FullName;
        _useKestrel = useKestrel;
        _settings = new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:ShipRoom"] = $"Data Source={System.IO.Path.Combine(DataDirectory, "shiproom.db")}",
            ["ShipRoom:Auth:InitialAdminPassword"] = AdminPassword,
            ["Urls"] = "http://127.0.0.1:0",
            ["ShipRoom:Demo:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        if (useKestrel)
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }
    }

    public string DataDirectory { get; }

    /// <summary>The address Kestrel bound (only with useKestrel).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.First());
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepositoryRoot.Path);
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalising connection; the temp folder is cleaned by the OS.
        }

        GC.SuppressFinalize(this);
    }
}
