using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// ShipRoom as automation sees it: the admin signs in through the real login form (antiforgery token included), issues
/// an API token with the roles the bench needs, and everything after that uses the token (the API and the hub).
/// </summary>
public sealed partial class ShipRoomSession : IDisposable
{
    // Creating a started rollout beside others is a start inside their infra locks: only an executive approver with an
    // override reason may (docs/operations.md), so the token carries that role too.
    private static readonly string[] TokenRoles = ["Admin", "ReleaseEngineer", "IncidentCommander", "ExecutiveApprover"];

    private readonly CookieContainer _cookies;

    private ShipRoomSession(Uri baseAddress, CookieContainer cookies, HttpClient cookieClient, HttpClient api, string token)
    {
        _cookies = cookies;
        BaseAddress = baseAddress;
        CookieClient = cookieClient;
        Api = api;
        Token = token;
    }

    public Uri BaseAddress { get; }

    /// <summary>Signed in with the session cookie, no automatic decompression: what a browser's first load costs.</summary>
    public HttpClient CookieClient { get; }

    public HttpClient Api { get; }

    public string Token { get; }

    /// <summary>The cookies the login form set (the session cookie among them): browser tabs open signed in with them.</summary>
    public IReadOnlyList<Cookie> SessionCookies => _cookies.GetCookies(BaseAddress).ToList();

    public static async Task<ShipRoomSession> SignInAsync(Uri baseAddress, string userName, string password, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None };
        var cookieClient = new HttpClient(handler) { BaseAddress = baseAddress };
        var html = await cookieClient.GetStringAsync("/login", cancellationToken);
        var match = AntiforgeryPattern().Match(html);
        if (!match.Success)
        {
            throw new InvalidOperationException("no antiforgery token on /login");
        }

        using var login = await cookieClient.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userName"] = userName, ["password"] = password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value),
        }), cancellationToken);
        if (login.StatusCode != HttpStatusCode.Redirect || login.Headers.Location?.OriginalString.Contains("error", StringComparison.Ordinal) != false)
        {
            throw new InvalidOperationException($"sign-in as {userName} failed: {(int)login.StatusCode} {login.Headers.Location}");
        }

        using var issued = await cookieClient.PostAsJsonAsync("/api/tokens", new { name = $"bench {DateTime.UtcNow:HHmmss}", roles = TokenRoles, expiresInDays = 1 }, cancellationToken);
        var body = await issued.Content.ReadAsStringAsync(cancellationToken);
        if (!issued.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"issuing an API token failed: {(int)issued.StatusCode} {body}");
        }

        var token = JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
        var api = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = baseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new ShipRoomSession(baseAddress, handler.CookieContainer, cookieClient, api, token);
    }

    /// <summary>A session of an API token issued elsewhere (the driver's): for API calls only, no cookie.</summary>
    public static ShipRoomSession WithToken(Uri baseAddress, string token)
    {
        var api = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = baseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new ShipRoomSession(baseAddress, new CookieContainer(), new HttpClient { BaseAddress = baseAddress }, api, token);
    }

    /// <summary>The rollout ShipRoom runs by itself on the simulator (the first live one), waited for until it has a snapshot.</summary>
    public async Task<long> DemoRolloutAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + wait;
        while (true)
        {
            var rows = await Api.GetFromJsonAsync<JsonElement>("/api/rollouts", cancellationToken);
            foreach (var row in rows.EnumerateArray())
            {
                if (row.GetProperty("status").GetString() is "Running" or "running" && row.TryGetProperty("rolloutVersion", out var v) && v.ValueKind == JsonValueKind.Number)
                {
                    return row.GetProperty("id").GetInt64();
                }
            }

            if (DateTime.UtcNow > until)
            {
                throw new InvalidOperationException($"no running demo rollout after {wait.TotalSeconds:0} s: {rows}");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Creates a rollout of the plan on the simulator, started (overriding the other rollouts' infra locks).</summary>
    public async Task<long> CreateStartedRolloutAsync(string planYaml, CancellationToken cancellationToken)
    {
        using var response = await Api.PostAsJsonAsync("/api/rollouts", new
        {
            planYaml,
            fileName = "bench.yaml",
            metricSource = "simulator",
            start = true,
            freezeOverrideReason = "scripts/bench.sh: benchmark rollouts on the simulator",
        }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            // An error page can be long HTML: its start says enough.
            throw new InvalidOperationException($"creating a rollout failed: {(int)response.StatusCode} {(body.Length > 300 ? body[..300] + "…" : body)}");
        }

        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    public void Dispose()
    {
        CookieClient.Dispose();
        Api.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
