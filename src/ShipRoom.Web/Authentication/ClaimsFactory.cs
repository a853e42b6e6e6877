using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Authentication;

public static class ClaimsFactory
{
    public static ClaimsPrincipal ForLocalUser(UserRecord user)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new("display_name", user.DisplayName),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role));
    }
}
