using ShipRoom.Web.Model;

namespace ShipRoom.Web.Tests.Model;

public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<div style=\"background:url(javascript:alert(1))\">x</div>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("[x](<javascript:alert(1)>) and ![y](javascript:alert(2))")]
    public void Script_handlers_styles_and_script_links_never_survive_as_markup(string payload)
    {
        var html = SafeMarkdown.ToHtml($"Looks fine.\n\n{payload}\n");

        // Whatever was typed may still show as text; what matters is that no element can run anything.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "img" or "iframe" or "svg" or "object" or "embed" or "style");
        Assert.DoesNotContain(elements, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name == "style"));
        Assert.DoesNotContain(elements, e => (e.GetAttribute("href") ?? e.GetAttribute("src") ?? "").Contains("javascript:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("Looks fine.", document.Body.TextContent);
    }

    [Fact]
    public void Ordinary_markdown_renders()
    {
        var html = SafeMarkdown.ToHtml("**P95** held at *112 ms*; see [dashboard](https://grafana.example.com/d/1).\n\n- payments 99.8%\n- funnels flat");

        Assert.Contains("<strong>P95</strong>", html);
        Assert.Contains("<em>112 ms</em>", html);
        Assert.Contains("<li>payments 99.8%</li>", html);
        Assert.Contains("href=\"https://grafana.example.com/d/1\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);
    }
}
