using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>
/// The Teams bot's Bot Connector token (OAuth client credentials for <c>https://api.botframework.com/.default</c>),
/// kept in memory until five minutes before it expires. The secret and the token are never stored or logged.
/// </summary>
public sealed class BotConnectorTokens(IHttpClientFactory httpClients, IOptions<NotificationOptions> options, TimeProvider time)
{
    public const string Scope = "https://api.botframework.com/.default";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _current;

    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && time.GetUtcNow() < current.RenewAt)
            {
                return current.Token;
            }

            var teams = options.Value.Teams;
            using var response = await httpClients.CreateClient(ChannelSender.HttpClientName).PostAsync(teams.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = teams.BotAppId ?? "",
                ["client_secret"] = teams.BotAppPassword ?? "",
                ["scope"] = Scope,
            }), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the Bot Framework token endpoint answered HTTP {(int)response.StatusCode}");
            }

            var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(cancellationToken);
            if (answer?.AccessToken is not { Length: > 0 } token)
            {
                throw new HttpRequestException("the Bot Framework token endpoint answered without an access token");
            }

            _current = (token, time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(60, answer.ExpiresIn)) - TimeSpan.FromMinutes(5));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record TokenAnswer([property: JsonPropertyName("access_token")] string? AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
