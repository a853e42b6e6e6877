using System.Text.RegularExpressions;

namespace ShipRoom.Web.Tests.Hosting;

/// <summary>Signs a test client in through the real login form, antiforgery token included.</summary>
public static partial class SignIn
{
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string userName, string password, CancellationToken cancellationToken, bool includeAntiforgery = true)
    {
        var fields = new Dictionary<string, string> { ["userName"] = userName, ["password"] = password, ["returnUrl"] = "/" };
        if (includeAntiforgery)
        {
            fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(client, "/login", cancellationToken);
        }

        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields), cancellationToken);
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string page, CancellationToken cancellationToken)
    {
        var html = await client.GetStringAsync(page, cancellationToken);
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
