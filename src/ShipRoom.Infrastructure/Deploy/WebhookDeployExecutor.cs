using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using ShipRoom.Core;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// POSTs the action as JSON to the configured webhook, signed with HMAC-SHA256 over the exact body in
/// <c>X-ShipRoom-Signature: sha256=&lt;hex&gt;</c>, with a per-attempt timeout and retries on 5xx or no answer.
/// A 2xx answer is the acknowledgement time to rollback is measured to.
/// </summary>
public sealed class WebhookDeployExecutor : IDeployExecutor
{
    public const string HttpClientName = "deploy-webhook";
    public const string SignatureHeader = "X-ShipRoom-Signature";

    private readonly IHttpClientFactory _httpClients;
    private readonly DeployOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookDeployExecutor(IHttpClientFactory httpClients, IOptions<DeployOptions> options)
    {
        _httpClients = httpClients;
        _options = options.Value;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (_options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || r.StatusCode == HttpStatusCode.TooManyRequests),
            });
        }

        _pipeline = builder.AddTimeout(TimeSpan.FromSeconds(_options.TimeoutSeconds)).Build();
    }

    public string Name => "webhook";

    public async Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            action = action.Action,
            rollout = action.RolloutId,
            release = action.Release,
            commit = action.Commit,
            phase = action.PhaseName,
            trafficPercent = action.TrafficPercent,
            actor = action.Actor,
            reason = action.Reason,
            time = action.At,
            decision = action.DecisionId,
            idempotencyKey = action.IdempotencyKey,
        }, ShipRoomJson.Options);
        var signature = "sha256=" + Sign(body, _options.WebhookSecret ?? "");
        var attempts = 0;
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Post, _options.WebhookUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add(SignatureHeader, signature);
                request.Headers.Add("X-ShipRoom-Action", action.Action);
                if (action.DecisionId is { } decision)
                {
                    // The same decision on a retry or after a restart: a receiver can tell a repeat from a new command.
                    request.Headers.Add("Idempotency-Key", $"shiproom-decision-{decision.ToString(CultureInfo.InvariantCulture)}");
                }
                else if (action.IdempotencyKey is { Length: > 0 } key)
                {
                    // A post-success action: the same key on a retry, from any instance.
                    request.Headers.Add("Idempotency-Key", $"shiproom-{key}");
                }

                return await _httpClients.CreateClient(HttpClientName).SendAsync(request, token);
            }, cancellationToken);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? ExecutorResult.Ok($"webhook answered {status} after {attempts} attempt(s)")
                : ExecutorResult.Failed($"webhook answered {status} after {attempts} attempt(s)");
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
        {
            return ExecutorResult.Failed(exception is TimeoutRejectedException
                ? $"webhook did not answer within {_options.TimeoutSeconds} s ({attempts} attempt(s))"
                : $"webhook unreachable ({((HttpRequestException)exception).HttpRequestError}, {attempts} attempt(s))");
        }
    }

    public static string Sign(string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}
