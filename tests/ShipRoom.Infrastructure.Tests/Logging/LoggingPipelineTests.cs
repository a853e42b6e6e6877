using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ShipRoom.Infrastructure.Logging;

namespace ShipRoom.Infrastructure.Tests.Logging;

/// <summary>The logging pipeline ShipRoom configures: classified values redacted before any sink, free text scrubbed by the formatters.</summary>
public sealed class LoggingPipelineTests
{
    [Fact]
    public void A_value_classified_as_personal_data_is_redacted_in_the_message_and_in_the_structured_values()
    {
        var capture = new CapturingLoggerProvider();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging(logging => logging.AddShipRoomConsole().AddProvider(capture))
            .BuildServiceProvider();

        ShipRoomLog.InitialAdminCreated(services.GetRequiredService<ILoggerFactory>().CreateLogger("test"), "jane.doe");

        var (_, message, values) = Assert.Single(capture.Entries);
        Assert.Equal($"Initial administrator {PersonalDataRedactor.Mask} created from configuration", message);
        Assert.Equal(PersonalDataRedactor.Mask, values.Single(v => v.Key == "UserName").Value);
        Assert.DoesNotContain("jane.doe", message + string.Join(",", values));
    }

    [Fact]
    public void The_json_format_writes_one_scrubbed_object_per_line_with_the_message_s_values()
    {
        var formatter = new ScrubbingJsonConsoleFormatter();
        var state = new List<KeyValuePair<string, object?>>
        {
            new("RolloutId", 42L), new("Problem", "owner bob@example.com, call +1 415-555-0132"), new("Ratio", 0.25), new("{OriginalFormat}", "Rollout {RolloutId}: {Problem}"),
        };
        var text = new StringWriter();

        formatter.Write(new LogEntry<List<KeyValuePair<string, object?>>>(LogLevel.Warning, "ShipRoom.Test", new EventId(7), state, null,
            (s, _) => $"Rollout 42: {s[1].Value}"), null, text);

        var line = Assert.Single(text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("Warning", json.GetProperty("level").GetString());
        Assert.Equal("ShipRoom.Test", json.GetProperty("category").GetString());
        Assert.Equal(7, json.GetProperty("eventId").GetInt32());
        Assert.Equal("Rollout 42: owner [email], call [phone]", json.GetProperty("message").GetString());
        Assert.Equal(42, json.GetProperty("RolloutId").GetInt64());
        Assert.Equal(0.25, json.GetProperty("Ratio").GetDouble());
        Assert.Equal("owner [email], call [phone]", json.GetProperty("Problem").GetString());
        Assert.Equal("Rollout {RolloutId}: {Problem}", json.GetProperty("template").GetString());
    }
}
