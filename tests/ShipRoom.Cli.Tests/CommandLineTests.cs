using ShipRoom.Cli;

namespace ShipRoom.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task Unknown_command_prints_usage_to_error_and_exits_2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["frobnicate"], output, error, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("usage: shiproom", error.ToString());
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task Version_prints_the_name()
    {
        var output = new StringWriter();
        var exit = await CommandLine.RunAsync(["version"], output, TextWriter.Null, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        Assert.StartsWith("shiproom ", output.ToString());
    }
}
