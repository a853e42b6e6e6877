namespace ShipRoom.Web.Configuration;

public enum AuthMode
{
    /// <summary>Accounts stored by ShipRoom, passwords hashed with ASP.NET Core Identity's hasher (the embedded default).</summary>
    Local,

    /// <summary>An OpenID Connect provider signs people in; roles come from a claim.</summary>
    OpenIdConnect,
}

/// <summary>ShipRoom:Auth.</summary>
public sealed class AuthOptions
{
    public string Mode { get; set; } = nameof(AuthMode.Local);

    /// <summary>The first admin's password; SHIPROOM_ADMIN_PASSWORD overrides it. When both are empty one is generated and printed once.</summary>
    public string? InitialAdminPassword { get; set; }

    public string InitialAdminUserName { get; set; } = "admin";

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public int LockoutMinutes { get; set; } = 15;

    public int SessionHours { get; set; } = 12;

    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();

    public AuthMode ParsedMode => Enum.Parse<AuthMode>(Mode, ignoreCase: true);
}

/// <summary>ShipRoom:Auth:OpenIdConnect.</summary>
public sealed class OpenIdConnectSettings
{
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The claim whose values are ShipRoom role names.</summary>
    public string RoleClaim { get; set; } = "roles";

    public bool RequireHttpsMetadata { get; set; } = true;
}
