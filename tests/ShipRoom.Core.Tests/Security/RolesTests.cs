using ShipRoom.Core.Security;

namespace ShipRoom.Core.Tests.Security;

public sealed class RolesTests
{
    [Theory]
    [InlineData("Viewer", true)]
    [InlineData("IncidentCommander", true)]
    [InlineData("Admin", true)]
    [InlineData("admin", false)]
    [InlineData("Root", false)]
    public void Only_the_eight_named_roles_are_known(string role, bool known) => Assert.Equal(known, Roles.IsKnown(role));

    [Fact]
    public void There_are_eight_distinct_roles() => Assert.Equal(8, Roles.All.Distinct().Count());
}
