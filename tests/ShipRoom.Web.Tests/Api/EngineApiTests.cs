using ShipRoom.Infrastructure.Tests.Storage;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// An API test run against a real ShipRoom on 127.0.0.1, once per storage engine: the SQLite class gives no settings,
/// the PostgreSQL class a database of its own that is dropped afterwards.
/// </summary>
public abstract class EngineApiTests : IAsyncLifetime
{
    protected ShipRoomAppFactory Factory { get; private set; } = default!;

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    protected abstract Task<IReadOnlyDictionary<string, string?>> StorageAsync();

    public async ValueTask InitializeAsync() => Factory = new ShipRoomAppFactory(await StorageAsync(), useKestrel: true);

    public virtual async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>A client over 127.0.0.1 carrying an API token with <paramref name="roles"/> (none: anonymous).</summary>
    protected async Task<HttpClient> ClientAsync(params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Factory.ServerAddress };
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await ApiTestHost.TokenAsync(Factory, roles));
        }

        return client;
    }

    /// <summary>The settings that put a test app on a fresh PostgreSQL database; disposing drops it.</summary>
    public sealed class PostgresStorage(PostgresServer postgres, string purpose) : IAsyncDisposable
    {
        private readonly string _database = $"shiproom_{purpose}_{Guid.NewGuid():N}";

        public async Task<IReadOnlyDictionary<string, string?>> SettingsAsync() => new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = await postgres.CreateDatabaseAsync(_database),
        };

        public async ValueTask DisposeAsync() => await postgres.DropDatabaseAsync(_database);
    }
}
