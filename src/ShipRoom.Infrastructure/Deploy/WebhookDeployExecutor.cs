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

    /// <summary>The longest <see cref="WarmUpAsync"/> takes before it gives up.</summary>
    public static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(10);

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
        var attempts = 0;
        try
        {
            using var response = await PostAsync(new Uri(_options.WebhookUrl!, UriKind.RelativeOrAbsolute), action, _options.WebhookSecret ?? "", () => attempts++, cancellationToken);
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

    /// <summary>
    /// Readies the webhook path before anyone needs it. The first call of a process paid about 40 ms more than the next
    /// ones (the body's JSON, the retry pipeline, the client's handler and the HTTP connection code, each set up or
    /// compiled on first use; docs/benchmarks.md, twelfth round), and that call is the first rollback after a restart.
    /// A sample rollback, signed with a throwaway key, goes through the same pipeline and client to a listener of this
    /// process's own on 127.0.0.1, which answers 204: nothing reaches the deploy system, and if a proxy would carry the
    /// request off the machine nothing is sent at all. What lasts is the compiled code: the factory renews the client's
    /// handler every few minutes, and an https webhook still sets up its own connection and TLS on the first call.
    /// Returns what happened, for the log; throws if the listener was not answered as it should be.
    /// </summary>
    public async Task<string> WarmUpAsync(CancellationToken cancellationToken)
    {
        using var listener = LoopbackAnswer.Start();
        var target = listener.Address;
        if (!HttpClient.DefaultProxy.IsBypassed(target))
        {
            return $"skipped: the HTTP proxy configured for this process would carry a request to {target.Authority} off the machine (add 127.0.0.1 to NO_PROXY)";
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(WarmUpTimeout);
        var answering = listener.AnswerOneAsync(limit.Token);
        var sample = new DeployAction("rollback", 0, "warm-up", "", 0, "warm-up", 0, "shiproom", "warming up the deploy webhook path", DateTimeOffset.UnixEpoch);
        var posting = PostAsync(target, sample, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), () => { }, limit.Token);
        // Whichever ends first without success ends the other: a listener that gave up leaves no post waiting for an answer.
        var first = await Task.WhenAny(answering, posting);
        if (!first.IsCompletedSuccessfully || (first == answering && !answering.Result))
        {
            await limit.CancelAsync();
        }

        try
        {
            await Task.WhenAll(answering, posting);
        }
        catch when (posting.IsCompletedSuccessfully)
        {
            posting.Result.Dispose();
            throw;
        }

        using var response = posting.Result;
        var status = (int)response.StatusCode;
        return answering.Result && status == 204
            ? $"a sample rollback posted to a listener of its own at {target.Authority} was answered {status}"
            : throw new InvalidOperationException($"the warm-up's own listener at {target.Authority} {(answering.Result ? "answered" : "was not reached; the answer was")} {status}");
    }

    private async Task<HttpResponseMessage> PostAsync(Uri target, DeployAction action, string secret, Action attempt, CancellationToken cancellationToken)
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
        var signature = "sha256=" + Sign(body, secret);
        return await _pipeline.ExecuteAsync(async token =>
        {
            attempt();
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
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
    }

    public static string Sign(string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}
