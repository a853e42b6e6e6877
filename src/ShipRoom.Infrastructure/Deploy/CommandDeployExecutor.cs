using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace ShipRoom.Infrastructure.Deploy;

/// <summary>
/// Runs the configured program directly (no shell: nothing in a reason or a release name can inject a command),
/// with placeholders filled in, a timeout, and its output kept for the decision and the audit entry.
/// Exit code 0 is the acknowledgement.
/// </summary>
public sealed class CommandDeployExecutor(IOptions<DeployOptions> options) : IDeployExecutor
{
    private const int MaxOutput = 2000;

    public string Name => "command";

    public async Task<ExecutorResult> ExecuteAsync(DeployAction action, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var start = new ProcessStartInfo(settings.CommandProgram!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in settings.CommandArguments)
        {
            start.ArgumentList.Add(Fill(argument, action));
        }

        start.Environment["SHIPROOM_ACTION"] = action.Action;
        start.Environment["SHIPROOM_ROLLOUT"] = action.RolloutId.ToString(CultureInfo.InvariantCulture);
        start.Environment["SHIPROOM_RELEASE"] = action.Release;
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return ExecutorResult.Failed($"could not start {Path.GetFileName(settings.CommandProgram)}: {exception.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return ExecutorResult.Failed($"{Path.GetFileName(settings.CommandProgram)} did not finish within {settings.TimeoutSeconds} s", Text(output));
        }

        process.WaitForExit();
        return process.ExitCode == 0
            ? ExecutorResult.Ok($"{Path.GetFileName(settings.CommandProgram)} exited 0: {Text(output)}")
            : ExecutorResult.Failed($"{Path.GetFileName(settings.CommandProgram)} exited {process.ExitCode}", Text(output));
    }

    private static string Fill(string argument, DeployAction action) => argument
        .Replace("{action}", action.Action, StringComparison.Ordinal)
        .Replace("{rollout}", action.RolloutId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{release}", action.Release, StringComparison.Ordinal)
        .Replace("{commit}", action.Commit, StringComparison.Ordinal)
        .Replace("{phase}", action.PhaseName, StringComparison.Ordinal)
        .Replace("{traffic}", action.TrafficPercent.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{decision}", action.DecisionId?.ToString(CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length < MaxOutput)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            var text = output.ToString().Trim();
            return text.Length > MaxOutput ? text[..MaxOutput] : text;
        }
    }
}
