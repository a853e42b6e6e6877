using System.Diagnostics;
using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Waits, after the tab rows, until the machine has been quiet for a few seconds in a row, so that the rows after them
/// (subscribers, rollbacks during back-fills) do not meet the browser's processes ending or the server letting its
/// circuits go. Until the fourteenth round the poll CPU row's separate demo-only window (20 s quick, 60 s full) stood
/// here. In that round's runs this wait always ended after 3 s (the machine 0–4% busy): it rules the tabs' ending out
/// rather than waiting for it.
/// </summary>
public static class QuietMachine
{
    /// <summary>A second counts as quiet when no more than this share of the machine's CPU time was busy.</summary>
    public const double QuietShare = 0.25;

    public const int QuietSecondsInARow = 3;

    /// <summary>Returns how long it waited and each second's busy share, or says it gave up after <paramref name="atMost"/>.</summary>
    public static async Task<string> WaitAsync(TimeSpan atMost, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        var shares = new List<double>();
        var inARow = 0;
        var before = ProcFs.MachineTicks();
        while (inARow < QuietSecondsInARow)
        {
            if (waited.Elapsed >= atMost)
            {
                return $"the machine was not quiet for {QuietSecondsInARow} s in a row within {atMost.TotalSeconds:0} s (busy share each second: {Shares(shares)}); going on";
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = ProcFs.MachineTicks();
            var share = now.Total > before.Total ? (double)(now.Busy - before.Busy) / (now.Total - before.Total) : 0;
            before = now;
            shares.Add(share);
            inARow = share <= QuietShare ? inARow + 1 : 0;
        }

        return $"the machine quiet ({QuietSecondsInARow} s in a row at most {QuietShare:P0} busy) after {waited.Elapsed.TotalSeconds:0.0} s (busy share each second: {Shares(shares)})";
    }

    private static string Shares(IEnumerable<double> shares) => string.Join(' ', shares.Select(s => s.ToString("P0", CultureInfo.InvariantCulture)));
}
