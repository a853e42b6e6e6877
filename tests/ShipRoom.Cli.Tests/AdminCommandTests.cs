using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using ShipRoom.Cli;
using ShipRoom.Core.Security;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Cli.Tests;

/// <summary>Recovery from the server's shell: a locked-out administrator gets back in with a new password.</summary>
public sealed partial class AdminCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shiproom-cli-admin-").FullName;

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "shiproom.db")}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync([.. args, "--provider", "Sqlite", "--connection-string", ConnectionString], output, error, Xunit.TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<IUserRepository> MigratedAsync()
    {
        Assert.Equal(0, (await RunAsync("migrate")).Exit);
        return new UserRepository(StorageServiceCollectionExtensions.CreateConnectionFactory(new StorageOptions { Provider = "Sqlite", ConnectionString = ConnectionString }));
    }

    [Fact]
    public async Task Reset_password_sets_a_password_that_verifies_and_re_enables_a_disabled_admin()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var users = await MigratedAsync();
        var id = await users.CreateAsync("admin", "Administrator", "not-a-hash", [Roles.Admin], DateTimeOffset.UtcNow, ct);
        await users.SetDisabledAsync(id, true, ct);

        var (exit, output, _) = await RunAsync("admin", "reset-password", "--user", "admin");

        Assert.Equal(0, exit);
        var password = PasswordLine().Match(output).Groups[1].Value;
        Assert.True(password.Length >= 12);
        var user = (await users.FindByUserNameAsync("admin", ct))!;
        Assert.False(user.Disabled);
        Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<UserRecord>().VerifyHashedPassword(user, user.PasswordHash, password));
        Assert.DoesNotContain(password, output.Replace($"New password (shown once): {password}", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_adds_an_administrator_and_refuses_a_name_taken()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var users = await MigratedAsync();

        var created = await RunAsync("admin", "create", "--user", "rescue");
        var again = await RunAsync("admin", "create", "--user", "rescue");

        Assert.Equal(0, created.Exit);
        Assert.Equal([Roles.Admin], (await users.FindByUserNameAsync("rescue", ct))!.Roles);
        Assert.Equal(1, again.Exit);
        Assert.Contains("already exists", again.Error);
    }

    [Fact]
    public async Task Reset_password_of_an_unknown_account_names_the_create_command()
    {
        await MigratedAsync();

        var (exit, _, error) = await RunAsync("admin", "reset-password", "--user", "nobody");

        Assert.Equal(1, exit);
        Assert.Contains("shiproom admin create --user nobody", error);
    }

    [GeneratedRegex(@"New password \(shown once\): (\S+)")]
    private static partial Regex PasswordLine();
}
