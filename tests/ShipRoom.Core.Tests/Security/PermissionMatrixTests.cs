using ShipRoom.Core.Security;

namespace ShipRoom.Core.Tests.Security;

public sealed class PermissionMatrixTests
{
    [Fact]
    public void Every_action_has_an_entry() =>
        Assert.All(Enum.GetValues<RolloutAction>(), action => Assert.NotEmpty(PermissionMatrix.RolesFor(action)));

    [Fact]
    public void A_viewer_sees_everything_and_changes_nothing()
    {
        foreach (var action in Enum.GetValues<RolloutAction>())
        {
            var expected = action is RolloutAction.View or RolloutAction.ExportReports;
            Assert.True(expected == PermissionMatrix.IsAllowed([Roles.Viewer], action), $"Viewer / {action}");
        }
    }

    [Theory]
    [InlineData(Roles.IncidentCommander, true)]
    [InlineData(Roles.ReleaseEngineer, true)]
    [InlineData(Roles.ExecutiveApprover, true)]
    [InlineData(Roles.ProductManager, false)]
    [InlineData(Roles.SecurityLead, false)]
    [InlineData(Roles.DataLead, false)]
    [InlineData(Roles.Admin, false)]
    [InlineData(Roles.Viewer, false)]
    public void Only_the_IC_release_engineering_and_the_executive_may_hold_or_roll_back(string role, bool allowed)
    {
        Assert.Equal(allowed, PermissionMatrix.IsAllowed([role], RolloutAction.Hold));
        Assert.Equal(allowed, PermissionMatrix.IsAllowed([role], RolloutAction.RollBack));
    }

    [Fact]
    public void Only_the_executive_approves_or_starts_with_the_preflight_open()
    {
        foreach (var role in Roles.All)
        {
            Assert.Equal(role == Roles.ExecutiveApprover, PermissionMatrix.IsAllowed([role], RolloutAction.Approve));
            Assert.Equal(role == Roles.ExecutiveApprover, PermissionMatrix.IsAllowed([role], RolloutAction.StartWithOpenPreflight));
        }
    }

    [Fact]
    public void Only_product_managers_and_admins_post_summaries()
    {
        foreach (var role in Roles.All)
        {
            Assert.Equal(role is Roles.ProductManager or Roles.Admin, PermissionMatrix.IsAllowed([role], RolloutAction.PostSummary));
        }
    }

    [Fact]
    public void Only_release_engineering_the_executive_and_admins_declare_or_lift_a_freeze()
    {
        foreach (var role in Roles.All)
        {
            Assert.Equal(role is Roles.ReleaseEngineer or Roles.ExecutiveApprover or Roles.Admin, PermissionMatrix.IsAllowed([role], RolloutAction.DeclareFreeze));
        }
    }

    [Fact]
    public void Any_one_role_of_several_is_enough_and_none_is_nothing()
    {
        Assert.True(PermissionMatrix.IsAllowed([Roles.Viewer, Roles.IncidentCommander], RolloutAction.RollBack));
        Assert.False(PermissionMatrix.IsAllowed([], RolloutAction.View));
        Assert.False(PermissionMatrix.IsAllowed(["incidentcommander"], RolloutAction.RollBack));
    }
}
