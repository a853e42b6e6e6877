using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using ShipRoom.Core.Metrics;

namespace ShipRoom.Infrastructure.MetricSources.Prometheus;

/// <summary>
/// Reads series through Prometheus's HTTP API (/api/v1/query_range, 60 s step). Every failure — a bad query, a
/// timeout, an unreachable server, an empty or ambiguous answer — comes back as NO DATA with the reason.
/// </summary>
public sealed class PrometheusMetricSource : IMetricSource
{
    public const string HttpClientName = "prometheus";

    private readonly IHttpClientFactory _httpClients;
    private readonly PrometheusOptions _options;
    private readonly ILogger<PrometheusMetricSource> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public PrometheusMetricSource(IHttpClientFactory httpClients, IOptions<PrometheusOptions> options, ILogger<PrometheusMetricSource> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _logger = logger;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (_options.Retries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = _options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMilliseconds),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(response => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests),
            });
        }

        // Each attempt has its own time limit, so one hung request cannot eat the retries' budget.
        _pipeline = pipeline.AddTimeout(TimeSpan.FromSeconds(Math.Max(1, _options.TimeoutSeconds))).Build();
    }

    public string Name => "prometheus";

    public async Task<MetricSeriesResult> ReadAsync(MetricSeriesRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Query))
        {
            return MetricSeriesResult.NoData($"no Prometheus query for {request.MetricKey} in the plan");
        }

        if (!Uri.TryCreate(_options.BaseUrl, UriKind.Absolute, out var baseUrl))
        {
            return MetricSeriesResult.NoData($"{Configuration.ConfigurationKeys.PrometheusBaseUrl} is not set");
        }

        string query;
        try
        {
            query = PromQlTemplate.Render(request.Query, request.Cohort, request.Journey, _options);
        }
        catch (ArgumentException exception)
        {
            return MetricSeriesResult.NoData($"query template: {exception.Message}");
        }

        var end = request.To.AddMinutes(-1);
        if (end < request.From)
        {
            return MetricSeriesResult.Of([]);
        }

        var url = new Uri(baseUrl, "api/v1/query_range?" + string.Join('&',
            $"query={Uri.EscapeDataString(query)}",
            $"start={request.From.ToUnixTimeSeconds()}",
            $"end={end.ToUnixTimeSeconds()}",
            "step=60"));
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token => await SendAsync(url, token), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return Parse(request, response.StatusCode, body);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is HttpRequestException http ? $"Prometheus unreachable ({http.HttpRequestError})" : $"Prometheus did not answer within {_options.TimeoutSeconds} s";
            _logger.LogWarning("Reading {Metric} ({Cohort}) from Prometheus failed: {Reason}", request.MetricKey, request.Cohort, reason);
            return MetricSeriesResult.NoData(reason);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        if (!string.IsNullOrEmpty(_options.BearerToken))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.BearerToken);
        }
        else if (!string.IsNullOrEmpty(_options.BasicAuthUser))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.BasicAuthUser}:{_options.BasicAuthPassword}"));
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        return await _httpClients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    internal static MetricSeriesResult Parse(MetricSeriesRequest request, HttpStatusCode status, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return MetricSeriesResult.NoData($"Prometheus answered {(int)status} with a body that is not JSON");
        }

        using (document)
        {
            try
            {
                return ParseDocument(request, status, document.RootElement);
            }
            catch (Exception exception) when (exception is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException or ArgumentException)
            {
                // JSON, but not Prometheus's shape (a proxy's error object, an array, a number where a pair belongs).
                return MetricSeriesResult.NoData($"Prometheus answered {(int)status} with JSON that is not a query_range result");
            }
        }
    }

    private static MetricSeriesResult ParseDocument(MetricSeriesRequest request, HttpStatusCode status, JsonElement root)
    {
        if (root.TryGetProperty("status", out var statusElement) && statusElement.GetString() == "error")
        {
            var errorType = root.TryGetProperty("errorType", out var type) ? type.GetString() : "error";
            var error = root.TryGetProperty("error", out var text) ? text.GetString() : "unknown error";
            return MetricSeriesResult.NoData($"Prometheus {errorType}: {error}");
        }

        if ((int)status >= 400)
        {
            return MetricSeriesResult.NoData($"Prometheus answered {(int)status}");
        }

        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
        {
            return MetricSeriesResult.NoData("Prometheus answer has no data.result");
        }

        if (result.GetArrayLength() == 0)
        {
            return MetricSeriesResult.NoData("the query returned no series (empty vector)");
        }

        if (result.GetArrayLength() > 1)
        {
            return MetricSeriesResult.NoData($"the query returned {result.GetArrayLength()} series; aggregate it to one (e.g. with sum or max)");
        }

        var samples = new List<MetricSample>();
        foreach (var point in result[0].GetProperty("values").EnumerateArray())
        {
            var time = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(point[0].GetDouble() * 1000));
            var value = ParseValue(point[1].GetString());
            samples.Add(new MetricSample(request.MetricKey, request.Cohort, request.Journey, time, value));
        }

        return MetricSeriesResult.Of(samples);
    }

    private static double ParseValue(string? text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN,
    };
}
