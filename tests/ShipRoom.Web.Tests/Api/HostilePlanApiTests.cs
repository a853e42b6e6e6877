using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ShipRoom.Core.Security;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.Web.Tests.Api;

/// <summary>
/// Hostile plans sent to POST /api/rollouts on a real Kestrel server: each is refused with a clear error, nothing is
/// stored, and the server is still there afterwards (a stack overflow would end this test process).
/// </summary>
public sealed class HostilePlanApiTests : IAsyncLifetime
{
    private readonly ShipRoomAppFactory _factory = new(useKestrel: true);
    private HttpClient _client = null!;

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = new HttpClient { BaseAddress = _factory.ServerAddress, Timeout = TimeSpan.FromSeconds(60) };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiTestHost.TokenAsync(_factory, Roles.ReleaseEngineer));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body) =>
        _client.PostAsync("/api/rollouts", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }, Ct);

    private static byte[] Json(string planYaml) => JsonSerializer.SerializeToUtf8Bytes(new { planYaml, metricSource = "simulator" });

    private async Task AssertAliveAndNothingStoredAsync()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health", Ct)).StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await _client.GetStringAsync("/api/rollouts", Ct)).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Thirty_thousand_levels_of_brackets_answer_422_naming_the_line_and_the_server_lives_on()
    {
        var response = await PostAsync(Json(new string('[', 30_000)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("problems")[0];
        Assert.Equal(1, problem.GetProperty("line").GetInt32());
        Assert.Equal(32, problem.GetProperty("column").GetInt32());
        Assert.Contains("nesting is deeper than 32 levels", problem.GetProperty("message").GetString());
        await AssertAliveAndNothingStoredAsync();

        // And it still does its work: the shipped plan becomes a rollout.
        var plan = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Ct);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Json(plan))).StatusCode);
    }

    [Fact]
    public async Task Billion_laughs_answers_422_at_the_first_alias()
    {
        var laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" +
                     string.Concat(Enumerable.Range(0, 8).Select(i => $"{(char)('b' + i)}: &{(char)('b' + i)} [{string.Join(", ", Enumerable.Repeat($"*{(char)('a' + i)}", 9))}]\n"));

        var response = await PostAsync(Json(laughs));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("problems")[0];
        Assert.Equal(2, problem.GetProperty("line").GetInt32());
        Assert.Contains("aliases (*a) are not allowed in a plan", problem.GetProperty("message").GetString());
        await AssertAliveAndNothingStoredAsync();
    }

    [Fact]
    public async Task A_ten_megabyte_body_answers_413_before_it_is_read()
    {
        var response = await PostAsync(Json("a: " + new string('x', 10 * 1024 * 1024)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("the request body is larger than 1024 KB; a plan may be at most 256 KB", await response.Content.ReadAsStringAsync(Ct));
        await AssertAliveAndNothingStoredAsync();
    }

    [Fact]
    public async Task A_ten_megabyte_body_without_a_length_is_cut_off_at_the_limit()
    {
        var content = new StreamContent(new MemoryStream(Json("a: " + new string('x', 10 * 1024 * 1024))));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/rollouts") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        // Either the 413 arrives, or the server closed the connection while 9 MB were still being sent: both show it
        // stopped reading at the limit (a server that read it all would answer 422 for the plan's size instead).
        try
        {
            var response = await _client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException exception) when (exception.InnerException is IOException)
        {
        }

        await AssertAliveAndNothingStoredAsync();
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_answer_400_and_are_never_stored_as_replacement_characters()
    {
        var body = Encoding.ASCII.GetBytes("{\"planYaml\":\"release:\\n  name: caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.ASCII.GetBytes("\\n\"}")).ToArray();

        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the request body is not valid JSON in UTF-8", await response.Content.ReadAsStringAsync(Ct));
        await AssertAliveAndNothingStoredAsync();
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_refused()
    {
        var response = await PostAsync(Encoding.ASCII.GetBytes("{\"planYaml\":\"release:\\n  name: x\\ud800y\\n\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(body.Contains("missing low surrogate. (at $.planYaml)", StringComparison.Ordinal), body);
        await AssertAliveAndNothingStoredAsync();
    }

    [Fact]
    public async Task Text_already_damaged_by_a_lossy_decode_answers_422_at_the_replacement_character()
    {
        var response = await PostAsync(Json("release:\n  name: caf\uFFFD\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("problems")[0];
        Assert.Equal((2, 12), (problem.GetProperty("line").GetInt32(), problem.GetProperty("column").GetInt32()));
        Assert.Contains("U+FFFD", problem.GetProperty("message").GetString());
        await AssertAliveAndNothingStoredAsync();
    }
}
