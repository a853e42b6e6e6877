using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Npgsql;
using ShipRoom.Infrastructure.Tests.Storage;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>
/// Data Protection keys live in the database: a session cookie and an antiforgery token issued by one instance are
/// accepted by another on the same PostgreSQL and by a restarted one, and refused by an instance on another database
/// (which proves the database, not some key file on this machine, is what they share).
/// </summary>
public sealed partial class SharedKeysTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly List<string> _databases = [];
    private readonly List<ShipRoomAppFactory> _instances = [];

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await postgres.DropDatabaseAsync(database);
        }
    }

    private async Task<string> DatabaseAsync()
    {
        var name = $"shiproom_keys_{Guid.NewGuid():N}";
        _databases.Add(name);
        return await postgres.CreateDatabaseAsync(name);
    }

    private ShipRoomAppFactory Instance(string connectionString)
    {
        var instance = new ShipRoomAppFactory(new Dictionary<string, string?>
        {
            ["ShipRoom:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:ShipRoom"] = connectionString,
        });
        _instances.Add(instance);
        return instance;
    }

    /// <summary>Signs in on one instance and returns the cookies it set, as a browser would send them.</summary>
    private static async Task<(string Cookies, string AntiforgeryToken)> SignInAsync(ShipRoomAppFactory instance)
    {
        var jar = new CookieContainer();
        var client = instance.CreateDefaultClient(new CookieContainerHandler(jar));
        var signIn = await SignIn.PostLoginAsync(client, ShipRoomAppFactory.AdminUserName, ShipRoomAppFactory.AdminPassword, Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        // The page's token belongs to the signed-in person, as the sign-out form's does.
        var token = WebUtility.HtmlDecode(TokenPattern().Match(await client.GetStringAsync("/rollouts", Ct)).Groups[1].Value);
        Assert.NotEmpty(token);
        var cookies = jar.GetCookieHeader(client.BaseAddress!);
        Assert.Contains("shiproom.session=", cookies);
        Assert.Contains(".AspNetCore.Antiforgery.", cookies);
        return (cookies, token);
    }

    private static async Task<HttpStatusCode> ApiWithCookiesAsync(ShipRoomAppFactory instance, string cookies)
    {
        var client = instance.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/rollouts");
        request.Headers.Add("Cookie", cookies);
        return (await client.SendAsync(request, Ct)).StatusCode;
    }

    private static async Task<HttpResponseMessage> SignOutWithAsync(ShipRoomAppFactory instance, string cookies, string token)
    {
        var client = instance.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_cookie_and_an_antiforgery_token_from_one_instance_work_on_the_other()
    {
        var shared = await DatabaseAsync();
        var first = Instance(shared);
        var second = Instance(shared);
        var (cookies, token) = await SignInAsync(first);

        Assert.Equal(HttpStatusCode.OK, await ApiWithCookiesAsync(second, cookies));
        var signOut = await SignOutWithAsync(second, cookies, token);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/login", signOut.Headers.Location?.OriginalString);

        await using var connection = new NpgsqlConnection(shared);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM data_protection_keys"));
    }

    [Fact]
    public async Task A_restart_keeps_people_signed_in()
    {
        var shared = await DatabaseAsync();
        var before = Instance(shared);
        var (cookies, _) = await SignInAsync(before);
        Assert.Equal(HttpStatusCode.OK, await ApiWithCookiesAsync(before, cookies));
        await before.DisposeAsync();
        _instances.Remove(before);

        var after = Instance(shared);

        Assert.Equal(HttpStatusCode.OK, await ApiWithCookiesAsync(after, cookies));
    }

    [Fact]
    public async Task An_instance_with_other_keys_refuses_the_cookie()
    {
        var (cookies, _) = await SignInAsync(Instance(await DatabaseAsync()));
        var stranger = Instance(await DatabaseAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, await ApiWithCookiesAsync(stranger, cookies));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
