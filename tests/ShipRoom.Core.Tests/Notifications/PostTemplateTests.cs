using ShipRoom.Core.Notifications;

namespace ShipRoom.Core.Tests.Notifications;

public sealed class PostTemplateTests
{
    [Fact]
    public void The_first_line_is_the_title_and_a_line_whose_placeholders_are_all_empty_is_left_out()
    {
        var (title, body) = PostTemplate.Render("T-0: {release}\nScope: {scope}\nBy {actor}: {reason}\nReports every {cadence}.", new Dictionary<string, string?>
        {
            ["release"] = "v20261126.2",
            ["scope"] = "  ",
            ["actor"] = "releng",
            ["reason"] = null,
            ["cadence"] = "15m",
        });

        Assert.Equal("T-0: v20261126.2", title);
        Assert.Equal("By releng:\nReports every 15m.", body);
    }

    [Fact]
    public void Doubled_braces_are_literal_and_a_value_is_never_read_as_a_placeholder()
    {
        var (title, body) = PostTemplate.Render("{{status}} {release}\n{reason}", new Dictionary<string, string?> { ["release"] = "v1", ["reason"] = "see {commit}" });

        Assert.Equal("{status} v1", title);
        Assert.Equal("see {commit}", body);
    }

    [Fact]
    public void Every_default_template_passes_its_own_check()
    {
        Assert.Equal(15, PostKinds.All.Count);
        Assert.All(PostKinds.All, kind => Assert.Empty(PostTemplate.Check(kind, kind.DefaultTemplate)));
    }

    [Fact]
    public void A_check_names_the_line_of_an_unknown_placeholder_and_of_a_lone_brace()
    {
        var problems = PostTemplate.Check(PostKinds.Find(PostKinds.Hold)!, "HOLD {release}\nBy {who}\nlimit {");

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("line 2: {who} is not a placeholder of 'hold' posts", problems[0]);
        Assert.StartsWith("line 3: a lone brace", problems[1]);
        Assert.Equal(["the template is empty: its first line is the post's title"], PostTemplate.Check(PostKinds.Find(PostKinds.Hold)!, " "));
    }
}
