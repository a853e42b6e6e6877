using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Bytes on the wire for a page's first load as a browser with an empty cache asks for it: the HTML, every stylesheet
/// and script it links, and the modules the page imports at run time (given by the caller: they are named in .NET code,
/// not in the HTML), each with <c>Accept-Encoding: br, gzip</c> and counted as received (compressed, headers not
/// counted). The live connection's own traffic (<c>/_blazor</c>) is not in it: that needs a browser.
/// </summary>
public static partial class FirstLoad
{
    public sealed record Asset(string Path, int Status, long Bytes, string? Encoding);

    public static async Task<IReadOnlyList<Asset>> MeasureAsync(HttpClient client, string page, IEnumerable<string> runtimeAssets, CancellationToken cancellationToken)
    {
        var assets = new List<Asset>();
        var (html, first) = await FetchAsync(client, page, cancellationToken);
        assets.Add(first);
        var linked = LinkPattern().Matches(html).Select(m => m.Groups["url"].Value)
            .Concat(ScriptPattern().Matches(html).Select(m => m.Groups["url"].Value))
            .Select(u => System.Net.WebUtility.HtmlDecode(u) ?? u)
            .Where(u => !u.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !u.StartsWith("data:", StringComparison.Ordinal));
        // Each path once, as a browser asks for it once: the page may name one asset two ways (a preload's "./x" and a
        // module's "x").
        foreach (var path in linked.Concat(runtimeAssets).Select(url => "/" + url.TrimStart('.', '/')).Distinct(StringComparer.Ordinal))
        {
            var (_, asset) = await FetchAsync(client, path, cancellationToken);
            assets.Add(asset);
        }

        return assets;
    }

    private static async Task<(string Text, Asset Asset)> FetchAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var encoding = response.Content.Headers.ContentEncoding.FirstOrDefault();
        var text = System.Text.Encoding.UTF8.GetString(Decode(body, encoding));
        return (text, new Asset(path, (int)response.StatusCode, body.LongLength, encoding));
    }

    private static byte[] Decode(byte[] body, string? encoding)
    {
        if (encoding is null)
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "br" ? new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress)
            : new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<link[^>]+rel=\"(?:stylesheet|modulepreload|preload)\"[^>]*href=\"(?<url>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex LinkPattern();

    [GeneratedRegex("<script[^>]+src=\"(?<url>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptPattern();
}
