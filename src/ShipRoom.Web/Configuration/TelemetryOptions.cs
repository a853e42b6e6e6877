using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Configuration;

/// <summary>ShipRoom:Telemetry: where traces of polls and commands go over OTLP. Off unless an endpoint is set.</summary>
public sealed class TelemetryOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>The collector's base address, e.g. http://otel-collector:4318 (http/protobuf) or :4317 (grpc).</summary>
    public string? OtlpEndpoint { get; set; }

    public string OtlpProtocol { get; set; } = HttpProtobuf;

    public bool UsesGrpc => string.Equals(OtlpProtocol, Grpc, StringComparison.OrdinalIgnoreCase);
}

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var problems = new OptionsProblems(ConfigurationKeys.TelemetrySection);
        problems.HttpAddress(nameof(options.OtlpEndpoint), options.OtlpEndpoint, "http://otel-collector:4318");
        problems.OneOf(nameof(options.OtlpProtocol), options.OtlpProtocol, [TelemetryOptions.HttpProtobuf, TelemetryOptions.Grpc]);
        return problems.Result;
    }
}
