using System.Security.Claims;
using ShipRoom.Core.Security;

namespace ShipRoom.Web.Authentication;

/// <summary>Copies the identity provider's role claim into ShipRoom roles, keeping only names ShipRoom knows.</summary>
public static class OidcRoleMapper
{
    public static void MapRoles(ClaimsPrincipal? principal, string roleClaim)
    {
        if (principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var granted = identity.FindAll(roleClaim)
            .SelectMany(claim => claim.Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(Roles.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        foreach (var role in granted.Where(role => !identity.HasClaim(ClaimTypes.Role, role)))
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }
    }
}
