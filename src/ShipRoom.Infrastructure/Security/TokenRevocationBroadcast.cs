using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Security;

/// <summary>
/// Tells the other instances on one PostgreSQL that a token was revoked (<c>NOTIFY shiproom_token_revocations,
/// '&lt;token id&gt;'</c>), so none of them keeps accepting it from its outage cache (<see cref="ValidatedTokens"/>).
/// Their change listener hears it (<see cref="Rollouts.Cluster.RolloutChangeListener"/>); one that was not listening at
/// the time empties its cache when it reconnects. On SQLite there is one instance and nothing to tell.
/// </summary>
public sealed class TokenRevocationBroadcast(IDbConnectionFactory connections, ILogger<TokenRevocationBroadcast> logger)
{
    public const string Channel = "shiproom_token_revocations";

    public async Task AnnounceAsync(long tokenId, CancellationToken cancellationToken)
    {
        if (connections.Provider != StorageProvider.Postgres)
        {
            return;
        }

        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)",
                new { channel = Channel, payload = tokenId.ToString(CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException && StorageFailures.IsStorageFailure(exception))
        {
            // The revocation is stored; an instance that misses this empties its outage cache when its listener reconnects.
            logger.LogWarning("Could not tell the other instances that API token {TokenId} was revoked: {Error}", tokenId, exception.Message);
        }
    }

    public static long? Parse(string payload) =>
        long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
