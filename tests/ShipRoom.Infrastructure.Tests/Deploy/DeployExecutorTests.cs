using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ShipRoom.Infrastructure.Deploy;
using ShipRoom.Infrastructure.Rollouts;
using ShipRoom.Infrastructure.Tests.Probes;

namespace ShipRoom.Infrastructure.Tests.Deploy;

public sealed class DeployExecutorTests
{
    private const string Secret = "webhook-secret-0123456789";

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static readonly DeployAction Rollback = new("rollback", 42, "v20261126.2", "9a8b7c6d5e", 3, "50%", 50, "ic", "checkout P95 over 120 ms", new DateTimeOffset(2026, 11, 25, 11, 30, 0, TimeSpan.Zero));

    private static WebhookDeployExecutor Webhook(string url, int retries = 2) =>
        new(new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>(),
            Options.Create(new DeployOptions { WebhookUrl = url, WebhookSecret = Secret, Retries = retries, TimeoutSeconds = 5 }));

    [Fact]
    public async Task The_webhook_receives_the_action_signed_with_hmac_sha256_over_the_body()
    {
        await using var receiver = new LocalEndpoint { Status = 202 };

        var result = await Webhook(receiver.Url("deploy")).ExecuteAsync(Rollback, Ct);

        Assert.True(result.Acknowledged, result.Error);
        Assert.True(receiver.Received.TryDequeue(out var request));
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(("rollback", 42L, "v20261126.2", "ic", "checkout P95 over 120 ms"),
            (body.GetProperty("action").GetString(), body.GetProperty("rollout").GetInt64(), body.GetProperty("release").GetString(), body.GetProperty("actor").GetString(), body.GetProperty("reason").GetString()));
        Assert.Equal("sha256=" + WebhookDeployExecutor.Sign(request.Body, Secret), request.Headers[WebhookDeployExecutor.SignatureHeader]);
        Assert.NotEqual("sha256=" + WebhookDeployExecutor.Sign(request.Body, "another-secret-000000"), request.Headers[WebhookDeployExecutor.SignatureHeader]);
    }

    [Fact]
    public async Task Readying_the_webhook_path_posts_to_a_listener_of_its_own_and_nothing_reaches_the_deploy_system()
    {
        await using var receiver = new LocalEndpoint { Status = 202 };
        var executor = Webhook(receiver.Url("deploy"));

        var outcome = await executor.WarmUpAsync(Ct);

        Assert.Matches(@"^a sample rollback posted to a listener of its own at 127\.0\.0\.1:\d+ was answered 204$", outcome);
        Assert.Equal(0, receiver.Requests);
        var result = await executor.ExecuteAsync(Rollback, Ct);
        Assert.True(result.Acknowledged, result.Error);
        Assert.Equal(1, receiver.Requests);
    }

    [Fact]
    public async Task Only_a_configured_webhook_is_readied_at_start_up_and_its_warm_up_sends_the_deploy_system_nothing()
    {
        await using var receiver = new LocalEndpoint { Status = 202 };
        var log = new Logging.CapturingLoggerProvider();
        var withWebhook = DeployProvider(new() { ["ShipRoom:Deploy:WebhookUrl"] = receiver.Url("deploy"), ["ShipRoom:Deploy:WebhookSecret"] = Secret }, log);
        var recordOnly = DeployProvider([], log);

        var warmUp = Assert.Single(withWebhook.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DeployWarmUp>());
        await warmUp.StartAsync(Ct);
        await warmUp.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await warmUp.StopAsync(Ct);

        var said = Assert.Single(log.Entries, e => e.Message.StartsWith("Deploy webhook path", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, said.Level);
        Assert.Matches(@"^Deploy webhook path readied: a sample rollback posted to a listener of its own at 127\.0\.0\.1:\d+ was answered 204$", said.Message);
        Assert.Equal(0, receiver.Requests);
        Assert.Empty(recordOnly.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DeployWarmUp>());
    }

    private static ServiceProvider DeployProvider(Dictionary<string, string?> settings, Logging.CapturingLoggerProvider log) =>
        new ServiceCollection().AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(log))
            .AddDeploy(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public async Task A_500_is_retried_and_the_second_answer_acknowledges()
    {
        await using var receiver = new LocalEndpoint { Status = 200 };
        receiver.NextStatuses.Enqueue(500);

        var result = await Webhook(receiver.Url("deploy")).ExecuteAsync(Rollback, Ct);

        Assert.True(result.Acknowledged);
        Assert.Equal(2, receiver.Requests);
        Assert.Contains("after 2 attempt(s)", result.Detail);
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_a_failure_with_the_reason()
    {
        await using var receiver = new LocalEndpoint { Status = 503 };

        var result = await Webhook(receiver.Url("deploy"), retries: 1).ExecuteAsync(Rollback, Ct);

        Assert.False(result.Acknowledged);
        Assert.Equal("webhook answered 503 after 2 attempt(s)", result.Error);
    }

    [Fact]
    public async Task The_command_runs_without_a_shell_with_placeholders_and_its_output_is_kept()
    {
        var executor = new CommandDeployExecutor(Options.Create(new DeployOptions { CommandProgram = "/bin/echo", CommandArguments = ["argo", "{action}", "rollout-{rollout}", "$(reboot); {release}"] }));

        var result = await executor.ExecuteAsync(Rollback, Ct);

        Assert.True(result.Acknowledged, result.Error);
        Assert.Equal("echo exited 0: argo rollback rollout-42 $(reboot); v20261126.2", result.Detail);
    }

    [Fact]
    public async Task A_failing_or_missing_command_is_a_failure()
    {
        var failing = new CommandDeployExecutor(Options.Create(new DeployOptions { CommandProgram = "/bin/false" }));
        var missing = new CommandDeployExecutor(Options.Create(new DeployOptions { CommandProgram = "/no/such/kubectl" }));

        Assert.Equal("false exited 1", (await failing.ExecuteAsync(Rollback, Ct)).Error);
        Assert.StartsWith("could not start kubectl", (await missing.ExecuteAsync(Rollback, Ct)).Error);
    }

    [Fact]
    public void A_webhook_without_a_secret_is_refused_at_start_up()
    {
        var result = new DeployOptionsValidator().Validate(null, new DeployOptions { WebhookUrl = "https://deploy.example.com/hook" });

        Assert.Contains(result.Failures!, f => f.StartsWith("ShipRoom:Deploy:WebhookSecret must be set", StringComparison.Ordinal));
    }
}
