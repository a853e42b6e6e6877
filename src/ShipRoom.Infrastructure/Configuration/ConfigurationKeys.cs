namespace ShipRoom.Infrastructure.Configuration;

/// <summary>
/// Every configuration key ShipRoom reads, in one place so code, start-up messages and docs name them the same way.
/// A setting inside a section is the section and the options property's name (e.g. ShipRoom:Polling:SchedulerTick).
/// </summary>
public static class ConfigurationKeys
{
    public const string StorageSection = "ShipRoom:Storage";
    public const string StorageProvider = StorageSection + ":Provider";
    public const string ConnectionStringName = "ShipRoom";
    public const string ConnectionString = "ConnectionStrings:" + ConnectionStringName;

    public const string AuthSection = "ShipRoom:Auth";
    public const string AuthMode = AuthSection + ":Mode";
    public const string InitialAdminPassword = AuthSection + ":InitialAdminPassword";
    public const string InitialAdminPasswordEnvironment = "SHIPROOM_ADMIN_PASSWORD";
    public const string OpenIdConnectSection = AuthSection + ":OpenIdConnect";

    public const string SecuritySection = "ShipRoom:Security";
    public const string MetricsSection = "ShipRoom:Metrics";
    public const string MetricsRequireAuthentication = MetricsSection + ":RequireAuthentication";
    public const string TelemetrySection = "ShipRoom:Telemetry";
    public const string LoggingSection = "ShipRoom:Logging";
    public const string LogFormat = LoggingSection + ":Format";

    public const string PollingSection = "ShipRoom:Polling";
    public const string PrometheusSection = "ShipRoom:Prometheus";
    public const string PrometheusBaseUrl = PrometheusSection + ":BaseUrl";
    public const string DemoSection = "ShipRoom:Demo";
    public const string DemoEnabled = DemoSection + ":Enabled";
    public const string NotificationsSection = "ShipRoom:Notifications";
    public const string DeploySection = "ShipRoom:Deploy";
    public const string LiveSection = "ShipRoom:Live";
    public const string ApiTokensSection = "ShipRoom:ApiTokens";

    /// <summary>The full key of a setting in a section: Key(PollingSection, nameof(PollScheduleOptions.SchedulerTick)).</summary>
    public static string Key(string section, string setting) => $"{section}:{setting}";
}
