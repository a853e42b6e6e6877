using System.Security.Claims;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Web.Authentication;

public static class CurrentActor
{
    /// <summary>The signed-in person or API token as the command service sees it: a name and the ShipRoom roles held.</summary>
    public static CommandActor From(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "unknown", user.FindAll(ClaimTypes.Role).Select(c => c.Value).Where(Roles.IsKnown).Distinct(StringComparer.Ordinal).ToList());

    public static bool Can(ClaimsPrincipal user, RolloutAction action) => PermissionMatrix.IsAllowed(From(user).Roles, action);
}
