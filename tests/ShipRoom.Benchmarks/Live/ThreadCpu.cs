using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The CPU time of another process's threads, each read from /proc/PID/task/TID/schedstat (nanoseconds on a CPU, where
/// /proc's stat counts 10 ms ticks: over a quick run's tab window, 15 tab updates, one tick was 0.67 ms of the per-tab
/// figure, and the process's and the JIT's readings each rounded by up to a tick). Threads are read every
/// <see cref="Interval"/> and each one's last reading kept: a thread that ends loses at most what it did since it was last
/// read (a thread-pool worker ends after 20 s idle, so nothing), and the figures err low, never high.
/// <para>
/// One thread is named apart: the runtime's background JIT, the tiered compilation worker (".NET Tiered Com" in
/// /proc/PID/task/TID/comm), which recompiles methods called often enough with full optimisation. In the minutes after
/// the bench's warm-up tabs it was still busy (with only the demo running, dotnet_jit_compilation_time counted 40-75% of
/// the process's CPU), and a server that has run a while is not; the worker exits when idle and a new one starts later.
/// </para>
/// </summary>
public sealed class ThreadCpu : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const string JitWorkerName = ".NET Tiered Com";

    private readonly int _pid;
    private readonly Dictionary<int, (string Name, double Ms)> _atStart;
    private readonly Dictionary<int, (string Name, double Ms)> _latest = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private ThreadCpu(int pid)
    {
        _pid = pid;
        _atStart = Threads();
        foreach (var (tid, thread) in _atStart)
        {
            _latest[tid] = thread;
        }

        _reading = ReadAsync();
    }

    /// <summary>Starts reading the process's threads; <paramref name="pid"/> 0 reads nothing.</summary>
    public static ThreadCpu Start(int pid) => new(pid);

    /// <summary>Stops reading and returns the background JIT's CPU milliseconds since <see cref="Start"/>.</summary>
    public async Task<double> StopAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        return JitSoFar();
    }

    /// <summary>The background JIT's CPU milliseconds since <see cref="Start"/>, read now; reading goes on.</summary>
    public double JitSoFar() => SoFar(name => name.StartsWith(JitWorkerName, StringComparison.Ordinal));

    /// <summary>Every thread's CPU milliseconds since <see cref="Start"/>, read now; reading goes on.</summary>
    public double AllSoFar() => SoFar(_ => true);

    /// <summary>
    /// CPU milliseconds since <see cref="Start"/> by thread name (Linux's 15 characters: ".NET TP Worker", ".NET Timer"…),
    /// largest first.
    /// </summary>
    public IReadOnlyList<(string Name, double Ms)> ByThreadName()
    {
        Read();
        lock (_latest)
        {
            return _latest.GroupBy(t => t.Value.Name, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Sum(t => t.Value.Ms - Started(t.Key))))
                .Where(t => t.Item2 >= 0.5)
                .OrderByDescending(t => t.Item2)
                .ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }

    private double SoFar(Func<string, bool> which)
    {
        Read();
        lock (_latest)
        {
            return _latest.Where(t => which(t.Value.Name)).Sum(t => t.Value.Ms - Started(t.Key));
        }
    }

    private double Started(int tid) => _atStart.TryGetValue(tid, out var thread) ? thread.Ms : 0;

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
                var onCpuNs = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (name, onCpuNs / 1e6);
            }
            catch (IOException)
            {
                // the thread ended between the listing and the read
            }
        }

        return threads;
    }
}
