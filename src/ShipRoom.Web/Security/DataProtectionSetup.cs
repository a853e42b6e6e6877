using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Security;

/// <summary>
/// Data Protection keys (which sign session cookies and antiforgery tokens) live in ShipRoom's own database instead
/// of the container's home folder: a restart no longer signs everyone out, and replicas accept each other's cookies.
/// </summary>
public static class DataProtectionSetup
{
    /// <summary>One name for every instance: keys are shared only between applications that give the same name.</summary>
    public const string ApplicationName = "ShipRoom";

    public static IServiceCollection AddShipRoomDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DataProtectionKeyStore>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyStore>((options, store) => options.XmlRepository = new DatabaseXmlRepository(store));
        return services;
    }

    /// <summary>
    /// The framework asks synchronously and rarely (at start-up, on a new key, about once a day to refresh), so
    /// blocking on the database here is bounded and off the request path.
    /// </summary>
    private sealed class DatabaseXmlRepository(DataProtectionKeyStore store) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() =>
            store.ReadAllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml)).ToList();

        public void StoreElement(XElement element, string friendlyName) =>
            store.StoreAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), CancellationToken.None).GetAwaiter().GetResult();
    }
}
