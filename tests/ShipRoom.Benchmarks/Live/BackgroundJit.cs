using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The CPU time of the runtime's background JIT in another process: the tiered compilation worker, the thread Linux names
/// ".NET Tiered Com" (/proc/PID/task/TID/comm), which recompiles methods called often enough with full optimisation. In
/// the minutes after the bench's warm-up tabs it was still busy (with only the demo running, dotnet_jit_compilation_time
/// counted 40-75% of the process's CPU), and a server that has run a while is not. The worker exits when idle and a new
/// one starts later, so the threads are read every <see cref="Interval"/> and each one's last reading kept: a thread
/// that ends loses at most what it did since it was last read, and the figure errs low, never high. Every other thread
/// is read the same way, for the log's split of a window's CPU by thread name (<see cref="ByThreadName"/>).
/// </summary>
public sealed class BackgroundJit : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const string WorkerName = ".NET Tiered Com";

    private readonly int _pid;
    private readonly int _clkTck;
    private readonly Dictionary<int, (string Name, double Ms)> _atStart;
    private readonly Dictionary<int, (string Name, double Ms)> _latest = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private BackgroundJit(int pid, int clkTck)
    {
        (_pid, _clkTck) = (pid, clkTck);
        _atStart = Threads();
        foreach (var (tid, thread) in _atStart)
        {
            _latest[tid] = thread;
        }

        _reading = ReadAsync();
    }

    /// <summary>Starts reading the process's JIT worker threads; <paramref name="pid"/> 0 reads nothing.</summary>
    public static BackgroundJit Start(int pid, int clkTck) => new(pid, clkTck);

    /// <summary>Stops reading and returns the workers' CPU milliseconds since <see cref="Start"/>.</summary>
    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        return SoFar();
    }

    /// <summary>The workers' CPU milliseconds since <see cref="Start"/>, read now; reading goes on.</summary>
    public double SoFar()
    {
        Read();
        lock (_latest)
        {
            return _latest.Where(t => t.Value.Name.StartsWith(WorkerName, StringComparison.Ordinal)).Sum(t => t.Value.Ms - Started(t.Key));
        }
    }

    /// <summary>
    /// CPU milliseconds since <see cref="Start"/> by thread name (Linux's 15 characters: ".NET TP Worker", ".NET Timer"…),
    /// largest first; threads that ended count what they did until last read.
    /// </summary>
    public IReadOnlyList<(string Name, double Ms)> ByThreadName()
    {
        Read();
        lock (_latest)
        {
            return _latest.GroupBy(t => t.Value.Name, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Sum(t => t.Value.Ms - Started(t.Key))))
                .Where(t => t.Item2 > 0)
                .OrderByDescending(t => t.Item2)
                .ToList();
        }
    }

    private double Started(int tid) => _atStart.TryGetValue(tid, out var thread) ? thread.Ms : 0;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, _stop.Token);
                Read();
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    private void Read()
    {
        var now = Threads();
        lock (_latest)
        {
            foreach (var (tid, thread) in now)
            {
                _latest[tid] = thread;
            }
        }
    }

    private Dictionary<int, (string Name, double Ms)> Threads()
    {
        var threads = new Dictionary<int, (string Name, double Ms)>();
        if (_pid <= 0)
        {
            return threads;
        }

        foreach (var task in Directory.EnumerateDirectories($"/proc/{_pid}/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, ticks * 1000.0 / _clkTck);
            }
            catch (IOException)
            {
                // the thread ended between the listing and the read
            }
        }

        return threads;
    }
}
