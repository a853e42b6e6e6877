using System.Diagnostics;
using System.Text;

namespace ShipRoom.Cli.Tests;

/// <summary>
/// `shiproom plan lint` run as its own process on hostile files, as a release engineer or CI runs it: a clear
/// FILE:LINE:COL error and exit code 1, never an abort (exit 134 was a stack overflow in the YAML library).
/// </summary>
public sealed class HostilePlanLintTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("shiproom-hostile-");

    public void Dispose() => _folder.Delete(recursive: true);

    private static async Task<(int Exit, string Output)> LintAsync(string path)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "shiproom.dll"));
        start.ArgumentList.Add("plan");
        start.ArgumentList.Add("lint");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(Xunit.TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        var text = await output + await error;
        return (process.ExitCode, text.Length > 2000 ? text[..2000] : text);
    }

    private async Task<string> WriteAsync(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder.FullName, name);
        await File.WriteAllBytesAsync(path, bytes, Xunit.TestContext.Current.CancellationToken);
        return path;
    }

    [Fact]
    public async Task Thirty_thousand_brackets_exit_1_with_the_line_and_column()
    {
        var path = await WriteAsync("deep.yaml", Encoding.ASCII.GetBytes(new string('[', 30_000)));

        var (exit, output) = await LintAsync(path);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Equal($"{path}:1:32: error: plan: nesting is deeper than 32 levels (a plan needs about five); nothing was read", output.Trim());
    }

    [Fact]
    public async Task Deep_block_nesting_exits_1()
    {
        var path = await WriteAsync("dashes.yaml", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("- ", 30_000)) + "x\n"));

        var (exit, output) = await LintAsync(path);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Contains("nesting is deeper than 32 levels", output);
    }

    [Fact]
    public async Task Billion_laughs_exits_1_at_the_first_alias()
    {
        var path = await WriteAsync("laughs.yaml", Encoding.ASCII.GetBytes("a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"));

        var (exit, output) = await LintAsync(path);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Equal($"{path}:2:8: error: plan: aliases (*a) are not allowed in a plan: write the value out where it is used", output.Trim());
    }

    [Fact]
    public async Task Ten_megabytes_exit_1_without_being_read()
    {
        var path = await WriteAsync("huge.yaml", Encoding.ASCII.GetBytes("a: " + new string('x', 10 * 1024 * 1024)));

        var (exit, output) = await LintAsync(path);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Equal($"{path}:1:1: error: plan: the file is larger than 256 KB", output.Trim());
    }

    [Fact]
    public async Task Latin1_bytes_exit_1_naming_the_byte_and_where_it_is()
    {
        var plan = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "plans", "directive-004-ramp-1-10-25-50-100.yaml"), Xunit.TestContext.Current.CancellationToken);
        var lines = plan.Split('\n');
        var nameLine = Array.FindIndex(lines, l => l.TrimStart().StartsWith("name:", StringComparison.Ordinal));
        lines[nameLine] += " café";
        var path = await WriteAsync("latin1.yaml", Encoding.Latin1.GetBytes(string.Join('\n', lines)));

        var (exit, output) = await LintAsync(path);

        Assert.True(exit == 1, $"exit {exit}: {output}");
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(path)}:{nameLine + 1}:{lines[nameLine].Length}: error: plan: byte 0xE9 at offset \d+ is not UTF-8", output.Trim());
    }
}
