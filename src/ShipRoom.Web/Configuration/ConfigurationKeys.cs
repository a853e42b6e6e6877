namespace ShipRoom.Web.Configuration;

/// <summary>Every configuration key ShipRoom reads, in one place so messages and docs name them the same way.</summary>
public static class ConfigurationKeys
{
    public const string StorageProvider = "ShipRoom:Storage:Provider";
    public const string ConnectionString = "ConnectionStrings:ShipRoom";
    public const string AuthSection = "ShipRoom:Auth";
    public const string AuthMode = "ShipRoom:Auth:Mode";
    public const string InitialAdminPassword = "ShipRoom:Auth:InitialAdminPassword";
    public const string InitialAdminPasswordEnvironment = "SHIPROOM_ADMIN_PASSWORD";
    public const string MetricsSection = "ShipRoom:Metrics";
    public const string MetricsRequireAuthentication = "ShipRoom:Metrics:RequireAuthentication";
    public const string TelemetrySection = "ShipRoom:Telemetry";
}
