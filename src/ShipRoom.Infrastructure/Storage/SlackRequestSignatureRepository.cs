using Dapper;

namespace ShipRoom.Infrastructure.Storage;

/// <summary>The accepted Slack requests' signatures, shared by every instance: what refuses a replay cluster-wide.</summary>
public interface ISlackRequestSignatureRepository
{
    /// <summary>
    /// Records <paramref name="signature"/> as received at <paramref name="receivedAt"/> once; false when it was already
    /// recorded (by this or another instance: a replay). Signatures received before <paramref name="forgetBefore"/> are
    /// removed first (they can refuse nothing any more).
    /// </summary>
    Task<bool> TryRecordAsync(string signature, DateTimeOffset receivedAt, DateTimeOffset forgetBefore, CancellationToken cancellationToken);
}

public sealed class SlackRequestSignatureRepository(IDbConnectionFactory connections) : ISlackRequestSignatureRepository
{
    public async Task<bool> TryRecordAsync(string signature, DateTimeOffset receivedAt, DateTimeOffset forgetBefore, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM slack_request_signatures WHERE received_at_ms < @before",
            new { before = UnixTime.ToMs(forgetBefore) }, cancellationToken: cancellationToken));
        return await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO slack_request_signatures (signature, received_at_ms) VALUES (@signature, @at) ON CONFLICT (signature) DO NOTHING",
            new { signature, at = UnixTime.ToMs(receivedAt) }, cancellationToken: cancellationToken)) == 1;
    }
}
