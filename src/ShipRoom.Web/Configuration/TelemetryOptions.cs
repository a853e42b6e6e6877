namespace ShipRoom.Web.Configuration;

/// <summary>ShipRoom:Telemetry: where traces of polls and commands go over OTLP. Off unless an endpoint is set.</summary>
public sealed class TelemetryOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>The collector's base address, e.g. http://otel-collector:4318 (http/protobuf) or :4317 (grpc).</summary>
    public string? OtlpEndpoint { get; set; }

    public string OtlpProtocol { get; set; } = HttpProtobuf;
}
