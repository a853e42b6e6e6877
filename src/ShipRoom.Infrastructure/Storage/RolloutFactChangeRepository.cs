using Dapper;

namespace ShipRoom.Infrastructure.Storage;

public interface IRolloutFactChangeRepository
{
    /// <summary>
    /// The rollout's fact version: how many writes the engine has seen to its phases, its decisions and what its
    /// dashboard shows beside the verdict (checklists, roster, summaries, posts, drafts, page updates, post-success
    /// steps), counted by triggers (migration 0023). It moves with every such write, on any instance and through any
    /// code path; read it before what it guards.
    /// </summary>
    Task<long> VersionAsync(long rolloutId, CancellationToken cancellationToken);
}

public sealed class RolloutFactChangeRepository(IDbConnectionFactory connections) : IRolloutFactChangeRepository
{
    public async Task<long> VersionAsync(long rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM rollout_fact_changes WHERE rollout_id = @rolloutId", new { rolloutId }, cancellationToken: cancellationToken));
    }
}
