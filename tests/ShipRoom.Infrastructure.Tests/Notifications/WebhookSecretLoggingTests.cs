using ShipRoom.Infrastructure;
using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Notifications;
using ShipRoom.Infrastructure.Tests.Probes;

namespace ShipRoom.Infrastructure.Tests.Notifications;

/// <summary>A Slack or deploy webhook address carries its secret in the path: HttpClient's request logging must not write it out.</summary>
public sealed class WebhookSecretLoggingTests
{
    private sealed class Captured : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(Captured owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }

    [Theory]
    [InlineData(ChannelSender.HttpClientName)]
    [InlineData(WebhookDeployExecutor.HttpClientName)]
    public async Task Sending_to_a_webhook_logs_nothing_of_its_address(string client)
    {
        await using var endpoint = new LocalEndpoint();
        var captured = new Captured();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
        services.AddShipRoomRollouts(new ConfigurationBuilder().Build());
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient(client)
            .PostAsync(endpoint.Url("services/T000/B000/XXXXsecretXXXX"), new StringContent("{}"), Xunit.TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode);
        Assert.DoesNotContain(captured.Lines, line => line.Contains("XXXXsecretXXXX", StringComparison.Ordinal));
    }
}
