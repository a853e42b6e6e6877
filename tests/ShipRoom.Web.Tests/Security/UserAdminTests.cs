using System.Net;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Infrastructure.Rollouts.Commands;

namespace ShipRoom.Web.Tests.Security;

public sealed class UserAdminTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();
    private static readonly CommandActor Admin = new("admin", [Roles.Admin]);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private UserAdminService Service => _factory.Services.GetRequiredService<UserAdminService>();

    [Fact]
    public async Task An_admin_adds_a_person_who_signs_in_with_those_roles_and_is_stopped_when_disabled()
    {
        var created = await Service.CreateAsync(Admin, "dana", "Dana", "Dana-Incident-Pass-1", [Roles.IncidentCommander], Ct);
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        var signIn = await SignIn.PostLoginAsync(client, "dana", "Dana-Incident-Pass-1", Ct);
        var user = await _factory.Services.GetRequiredService<IUserRepository>().FindByUserNameAsync("dana", Ct);
        await Service.SetDisabledAsync(Admin, user!.Id, true, Ct);
        var afterDisable = await SignIn.PostLoginAsync(_factory.CreateClient(new() { AllowAutoRedirect = false }), "dana", "Dana-Incident-Pass-1", Ct);

        Assert.Equal(CommandStatus.Executed, created.Status);
        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
        Assert.Equal(["IncidentCommander"], user.Roles);
        Assert.Contains("error=invalid", afterDisable.Headers.Location?.OriginalString);
        Assert.Single(await _factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Kind: "user.created"), Ct), e => e.Summary.Contains("dana", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Non_admins_short_passwords_unknown_roles_and_duplicates_are_refused()
    {
        var releng = new CommandActor("releng", [Roles.ReleaseEngineer]);

        Assert.Equal(CommandStatus.Forbidden, (await Service.CreateAsync(releng, "eve", "Eve", "Long-Enough-Pass-1", [Roles.Admin], Ct)).Status);
        Assert.Equal(CommandStatus.Invalid, (await Service.CreateAsync(Admin, "eve", "Eve", "short", [Roles.Viewer], Ct)).Status);
        Assert.Equal(CommandStatus.Invalid, (await Service.CreateAsync(Admin, "eve", "Eve", "Long-Enough-Pass-1", ["Root"], Ct)).Status);
        Assert.Equal(CommandStatus.Conflict, (await Service.CreateAsync(Admin, "ADMIN", "x", "Long-Enough-Pass-1", [Roles.Viewer], Ct)).Status);
    }

    [Fact]
    public async Task The_admin_page_is_for_admins_only()
    {
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        await Service.CreateAsync(Admin, "vic", "Vic", "Viewer-Password-123", [Roles.Viewer], Ct);
        await SignIn.PostLoginAsync(client, "vic", "Viewer-Password-123", Ct);

        var page = await client.GetAsync("/admin", Ct);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/access-denied", page.Headers.Location?.PathAndQuery);
        Assert.DoesNotContain("API tokens", await page.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_first_account_holds_the_roles_to_run_the_demo_end_to_end()
    {
        var first = await _factory.Services.GetRequiredService<IUserRepository>().FindByUserNameAsync("admin", Ct);

        Assert.Equal(Roles.FirstAccount.Order(), first!.Roles.Order());
        foreach (var action in new[] { RolloutAction.Hold, RolloutAction.RollBack, RolloutAction.Advance, RolloutAction.Approve, RolloutAction.PostSummary, RolloutAction.ManageUsers })
        {
            Assert.True(PermissionMatrix.IsAllowed(first.Roles, action), action.ToString());
        }
    }

    [Fact]
    public async Task The_last_active_admin_can_be_neither_disabled_nor_demoted_until_there_is_another()
    {
        var users = _factory.Services.GetRequiredService<IUserRepository>();
        var only = (await users.FindByUserNameAsync("admin", Ct))!;

        var disable = await Service.SetDisabledAsync(Admin, only.Id, true, Ct);
        var demote = await Service.SetRolesAsync(Admin, only.Id, [Roles.Viewer], Ct);

        Assert.Equal(CommandStatus.Invalid, disable.Status);
        Assert.Contains("last active administrator", disable.Message);
        Assert.Equal(CommandStatus.Invalid, demote.Status);
        Assert.False((await users.FindByUserNameAsync("admin", Ct))!.Disabled);
        Assert.Contains(Roles.Admin, (await users.FindByUserNameAsync("admin", Ct))!.Roles);

        await Service.CreateAsync(Admin, "second", "Second", "Second-Admin-Pass-1", [Roles.Admin], Ct);

        Assert.Equal(CommandStatus.Executed, (await Service.SetDisabledAsync(Admin, only.Id, true, Ct)).Status);
    }
}
