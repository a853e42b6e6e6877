using ShipRoom.Infrastructure.MetricSources.Selection;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ShipRoom.Core;
using ShipRoom.Infrastructure.Security;
using ShipRoom.Web.Tests.Hosting;
using ShipRoom.Infrastructure.Rollouts.Commands;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Tests.Api;

internal static class ApiTestHost
{
    public static async Task<string> TokenAsync(ShipRoomAppFactory factory, params string[] roles)
    {
        var issued = await factory.Services.GetRequiredService<ApiTokenService>()
            .IssueAsync($"test {string.Join('+', roles)}", roles, TimeSpan.FromHours(1), "test", Xunit.TestContext.Current.CancellationToken);
        return issued.Token;
    }

    public static HttpClient Client(ShipRoomAppFactory factory, string token)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A running rollout of the shipped 1% → 100% plan on the simulator.</summary>
    public static async Task<long> RunningRolloutAsync(ShipRoomAppFactory factory, string scenario = "healthy")
    {
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"));
        var result = await factory.Services.GetRequiredService<RolloutService>().CreateAsync(plan, "directive-004-ramp-1-10-25-50-100.yaml", new CommandActor("test", [], IsAutomatic: true),
            new NewRolloutOptions(MetricSourceNames.Simulator, new RolloutSourceSettings(scenario), 1, TimeSpan.FromMinutes(3)), Xunit.TestContext.Current.CancellationToken);
        return result.RolloutId!.Value;
    }

    public static Task<HttpResponseMessage> CommandAsync(HttpClient client, long id, string kind, string reason = "test", long? version = null) =>
        client.PostAsJsonAsync($"/api/rollouts/{id}/commands/{kind}", new { reason, expectedVersion = version }, ShipRoomJson.Options, Xunit.TestContext.Current.CancellationToken);
}
