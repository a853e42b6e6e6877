using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using ShipRoom.Infrastructure.Notifications;

namespace ShipRoom.Web.Security;

/// <summary>
/// Checks the bearer token on a Teams bot request as the Bot Framework Connector issues it: signed by a key the Bot
/// Framework publishes (its OpenID metadata, cached and refreshed by <see cref="ConfigurationManager{T}"/>), issuer
/// <c>https://api.botframework.com</c>, audience the bot's Microsoft App ID, within its lifetime.
/// </summary>
public sealed class BotFrameworkTokens
{
    public const string Issuer = "https://api.botframework.com";

    private readonly NotificationOptions.TeamsChannel _teams;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    private readonly JsonWebTokenHandler _handler = new();

    public BotFrameworkTokens(IOptions<NotificationOptions> options, IHttpClientFactory httpClients)
    {
        _teams = options.Value.Teams;
        if (_teams.Interactive)
        {
            var retriever = new HttpDocumentRetriever(httpClients.CreateClient(nameof(BotFrameworkTokens)))
            {
                RequireHttps = _teams.OpenIdMetadataUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
            };
            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(_teams.OpenIdMetadataUrl, new OpenIdConnectConfigurationRetriever(), retriever);
        }
    }

    /// <summary>Null when the Authorization header holds a valid Bot Framework token for this bot; otherwise why not (safe to answer).</summary>
    public async Task<string?> CheckAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (_metadata is null)
        {
            return "no Teams bot is configured";
        }

        if (authorization is not { Length: > 7 } header || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "Authorization: Bearer <Bot Framework token> is missing";
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException)
        {
            return "the Bot Framework signing keys could not be read, so the request cannot be verified";
        }

        var result = await _handler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = _teams.BotAppId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            RequireSignedTokens = true,
        });
        if (!result.IsValid)
        {
            // A key rotated since the keys were cached: read them again once.
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                _metadata.RequestRefresh();
            }

            return $"the token is not a Bot Framework token for this bot ({result.Exception?.GetType().Name ?? "invalid"})";
        }

        return null;
    }
}
