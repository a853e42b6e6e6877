using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;
using ShipRoom.Web.Authentication;
using ShipRoom.Web.Tests.Api;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Security;

public sealed class SignOutAndAuditPrivacyTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private async Task<HttpClient> SignedInAsync()
    {
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/rollouts", Ct)).StatusCode);
        return client;
    }

    [Fact]
    public async Task Sign_out_without_the_antiforgery_token_is_refused_and_the_session_stays()
    {
        var client = await SignedInAsync();

        var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/rollouts", Ct)).StatusCode);
    }

    [Fact]
    public async Task Sign_out_with_the_token_from_the_page_ends_the_session()
    {
        var client = await SignedInAsync();
        var token = await SignIn.AntiforgeryTokenAsync(client, "/rollouts", Ct);

        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/rollouts", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_password_typed_as_a_user_name_is_never_stored_and_sign_ins_are_hidden_from_viewers()
    {
        const string typedPassword = "Hunter2-Correct-Horse";
        var anonymous = _factory.CreateClient(new() { AllowAutoRedirect = false });
        await SignIn.PostLoginAsync(anonymous, typedPassword, "whatever", Ct);
        await SignIn.PostLoginAsync(anonymous, ShipRoomAppFactory.AdminUserName, "wrong password", Ct);
        var viewer = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.Viewer));
        var security = ApiTestHost.Client(_factory, await ApiTestHost.TokenAsync(_factory, Roles.SecurityLead));

        var seenByViewer = await viewer.GetStringAsync("/api/audit", Ct);
        var viewerCsv = await viewer.GetStringAsync("/api/audit/export.csv", Ct);
        var seenBySecurity = JsonDocument.Parse(await security.GetStringAsync("/api/audit?kind=sign-in.failed", Ct)).RootElement;
        var everything = await _factory.Services.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery(Limit: 10_000), Ct);

        Assert.DoesNotContain("sign-in", seenByViewer);
        Assert.DoesNotContain("sign-in", viewerCsv);
        Assert.Equal(
            [SignInNameFingerprint.Actor(typedPassword), ShipRoomAppFactory.AdminUserName],
            seenBySecurity.EnumerateArray().Select(e => e.GetProperty("actor").GetString()).Reverse());
        Assert.Matches("^unknown account #[0-9a-f]{12}$", SignInNameFingerprint.Actor(typedPassword));
        Assert.DoesNotContain(everything, e => $"{e.Actor} {e.Summary} {e.Before} {e.After} {e.Reason}".Contains("Hunter2", StringComparison.OrdinalIgnoreCase));
        // The fingerprint ignores case and spaces, so Security can check a suspected name however it was typed.
        Assert.Equal(SignInNameFingerprint.Of(typedPassword), SignInNameFingerprint.Of("  hunter2-correct-horse "));
    }
}
