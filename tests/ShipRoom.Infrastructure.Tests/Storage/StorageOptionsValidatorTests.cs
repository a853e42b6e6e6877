using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Tests.Storage;

public sealed class StorageOptionsValidatorTests
{
    private readonly StorageOptionsValidator _validator = new();

    [Fact]
    public void The_embedded_default_is_valid() =>
        Assert.True(_validator.Validate(null, new StorageOptions { ConnectionString = StorageOptions.DefaultSqliteConnectionString }).Succeeded);

    [Fact]
    public void Every_problem_is_listed_each_naming_its_key()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "Oracle", StartupTimeoutSeconds = 0, MigrationsPath = "/no/such/folder" });

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("ShipRoom:Storage:Provider must be Sqlite or Postgres, was 'Oracle'", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ShipRoom:Storage:StartupTimeoutSeconds", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("ShipRoom:Storage:MigrationsPath", StringComparison.Ordinal));
    }

    [Fact]
    public void Postgres_needs_its_own_connection_string()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "Postgres", ConnectionString = StorageOptions.DefaultSqliteConnectionString });
        Assert.Contains(result.Failures!, f => f.Contains("ConnectionStrings:ShipRoom must be set to a PostgreSQL connection string", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_connection_string_is_named_but_its_value_is_not_repeated()
    {
        var result = _validator.Validate(null, new StorageOptions { Provider = "Postgres", ConnectionString = "Host=db;Password=Sup3rSecret;Bogus Keyword=1" });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("ConnectionStrings:ShipRoom is not a valid PostgreSQL connection string", failure);
        Assert.DoesNotContain("Sup3rSecret", failure);
    }
}
