using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// What ShipRoom's own /metrics says at one moment: polls counted (every outcome) and the time they took, and the
/// browser circuits it holds.
/// </summary>
public readonly record struct ServerCounters(double Polls, double PollSeconds, long Circuits)
{
    private static readonly HttpClient Client = new();

    public static async Task<ServerCounters> ReadAsync(Uri server, CancellationToken ct)
    {
        var text = await Client.GetStringAsync(new Uri(server, "/metrics"), ct);
        double polls = 0, seconds = 0;
        long circuits = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("shiproom_polls_total", StringComparison.Ordinal))
            {
                polls += Value(line);
            }
            else if (line.StartsWith("shiproom_poll_duration_seconds_sum", StringComparison.Ordinal))
            {
                seconds += Value(line);
            }
            else if (line.StartsWith("shiproom_circuits{", StringComparison.Ordinal))
            {
                circuits += (long)Value(line);
            }
        }

        return new ServerCounters(polls, seconds, circuits);
    }

    /// <summary>What happened between <paramref name="earlier"/> and this reading (circuits: this reading's).</summary>
    public ServerCounters Since(ServerCounters earlier) => new(Polls - earlier.Polls, PollSeconds - earlier.PollSeconds, Circuits);

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}
