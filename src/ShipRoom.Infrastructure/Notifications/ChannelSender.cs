using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Logging;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Notifications;

/// <summary>One HTTP POST of a queued post to its channel, with what the answer means for retrying.</summary>
public sealed class ChannelSender(NotificationChannels channels, IHttpClientFactory httpClients, IOptions<NotificationOptions> options, BotConnectorTokens botTokens)
{
    public const string HttpClientName = "notifications";

    private NotificationOptions Options => options.Value;

    public async Task<SendResult> SendAsync(NotificationRecord notification, CancellationToken cancellationToken)
    {
        var url = channels.AddressOf(notification.Channel);
        if (string.IsNullOrWhiteSpace(url))
        {
            return new SendResult(false, true, $"the {notification.Channel} channel is no longer configured");
        }

        try
        {
            // PagerDuty's routing key is a secret: stored nowhere, added to the event only as it leaves.
            var body = notification.Channel == ChannelNames.PagerDuty ? PagePayloads.WithRoutingKey(notification.Payload, Options.PagerDuty.RoutingKey ?? "") : notification.Payload;
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (notification.Channel is ChannelNames.Webhook or ChannelNames.PagingWebhook)
            {
                request.Headers.Add("X-ShipRoom-Event", notification.EventKey);
                var signing = notification.Channel == ChannelNames.Webhook ? Options.Webhook.Secret : Options.PagingWebhook.Secret;
                if (signing is { Length: > 0 } secret)
                {
                    request.Headers.Add(WebhookDeployExecutor.SignatureHeader, "sha256=" + WebhookDeployExecutor.Sign(notification.Payload, secret));
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
            if (notification.Channel == ChannelNames.Teams && Options.Teams.PostsAsBot)
            {
                // The bot sends the card (so Teams routes its buttons back to the bot): a Bot Connector token, never stored.
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await botTokens.TokenAsync(timeout.Token));
            }

            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new SendResult(true, false, null);
            }

            // A 4xx other than 429 means the address or payload is wrong: retrying cannot help.
            var permanent = status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests;
            return new SendResult(false, permanent, $"{notification.Channel} answered HTTP {status}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The address is a secret: the message is scrubbed and never includes it.
            var message = PiiScrubber.Scrub(exception.Message.Replace(url, "[channel address]", StringComparison.Ordinal));
            return new SendResult(false, false, exception is HttpRequestException ? $"{notification.Channel} unreachable: {message}" : $"{notification.Channel} did not answer within {Options.TimeoutSeconds}s");
        }
    }
}

/// <summary>Whether the channel took the post; when not, whether retrying could help and what went wrong.</summary>
public readonly record struct SendResult(bool Ok, bool Permanent, string? Error);
