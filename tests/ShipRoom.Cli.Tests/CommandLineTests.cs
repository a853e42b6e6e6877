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

    [Fact]
    public async Task No_arguments_print_the_commands_and_exit_0()
    {
        var output = new StringWriter();

        var exit = await CommandLine.RunAsync([], output, TextWriter.Null, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(0, exit);
        Assert.All(new[] { "plan", "evaluate", "replay", "migrate", "version" }, c => Assert.Contains($"  {c} ", output.ToString()));
    }

    [Fact]
    public async Task An_unknown_option_is_named_and_exits_2()
    {
        var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["migrate", "--provder", "Sqlite"], TextWriter.Null, error, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(2, exit);
        Assert.Contains("shiproom migrate: Unrecognized command or argument '--provder'", error.ToString());
        Assert.Contains("shiproom migrate --help", error.ToString());
    }

    [Fact]
    public async Task Completion_suggests_commands_and_options()
    {
        var commands = new StringWriter();
        var options = new StringWriter();

        await CommandLine.RunAsync(["[suggest:2]", "re"], commands, TextWriter.Null, Xunit.TestContext.Current.CancellationToken);
        await CommandLine.RunAsync(["[suggest:11]", "evaluate --p"], options, TextWriter.Null, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(["replay"], commands.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["--phase", "--phase-start", "--plan", "--probes"], options.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_named_without_a_stack_trace()
    {
        // /proc/self/mem exists but every read of it fails with an I/O error.
        var error = new StringWriter();

        var exit = await CommandLine.RunAsync(["plan", "lint", "/proc/self/mem"], TextWriter.Null, error, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.StartsWith("shiproom plan lint: ", error.ToString());
        Assert.Contains("/proc/self/mem", error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }
}
