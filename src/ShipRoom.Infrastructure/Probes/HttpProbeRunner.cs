using System.Diagnostics;
using System.Text.Json.Nodes;
using Json.Schema;
using ShipRoom.Core.Evaluation;
using ShipRoom.Core.Plans;

namespace ShipRoom.Infrastructure.Probes;

/// <summary>
/// One synthetic probe run against the canary slice: GET the URL, then check the status code, the latency against
/// the plan's maxLatency, and (when the plan gives one) the JSON body against a JSON Schema. Never throws: every
/// failure is a failed run with its reason.
/// </summary>
public sealed class HttpProbeRunner(IHttpClientFactory httpClients, TimeProvider time)
{
    public const string HttpClientName = "probes";
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public sealed record Result(ProbeRun Run, double? LatencyMs, int? StatusCode);

    public async Task<Result> RunAsync(ProbeDefinition probe, CancellationToken cancellationToken)
    {
        var ranAt = time.GetUtcNow();
        var timeout = probe.MaxLatency is { } max ? max + max : DefaultTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(probe.Url, HttpCompletionOption.ResponseContentRead, limit.Token);
            var body = await response.Content.ReadAsStringAsync(limit.Token);
            var latency = watch.Elapsed.TotalMilliseconds;
            var status = (int)response.StatusCode;
            string? problem = null;
            if (status != probe.ExpectStatus)
            {
                problem = $"status {status}, expected {probe.ExpectStatus}";
            }
            else if (probe.MaxLatency is { } maxLatency && latency > maxLatency.TotalMilliseconds)
            {
                problem = $"took {latency:0} ms, limit {maxLatency.TotalMilliseconds:0} ms";
            }
            else if (probe.Schema is { Length: > 0 } schema)
            {
                problem = CheckSchema(schema, body);
            }

            return new Result(new ProbeRun(probe.Name, ranAt, problem is null, problem), Math.Round(latency, 1), status);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is HttpRequestException http ? $"unreachable ({http.HttpRequestError})" : $"no answer within {timeout.TotalMilliseconds:0} ms";
            return new Result(new ProbeRun(probe.Name, ranAt, false, reason), null, null);
        }
    }

    private static string? CheckSchema(string schemaText, string body)
    {
        JsonSchema schema;
        try
        {
            schema = JsonSchema.FromText(schemaText);
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or JsonSchemaException)
        {
            return $"the plan's schema does not parse: {exception.Message}";
        }

        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return "the response is not JSON";
        }

        var evaluation = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (evaluation.IsValid)
        {
            return null;
        }

        var first = evaluation.Details.FirstOrDefault(d => d.HasErrors);
        return first?.Errors is { Count: > 0 } errors ? $"response does not match the schema at {first.InstanceLocation}: {errors.First().Value}" : "response does not match the schema";
    }
}
