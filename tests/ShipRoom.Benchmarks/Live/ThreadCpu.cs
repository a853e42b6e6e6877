using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The CPU time of another process's threads, each read from /proc/PID/task/TID/schedstat (nanoseconds on a CPU, where
/// /proc's stat counts 10 ms ticks: over a quick run's tab window, 15 tab updates, one tick was 0.67 ms of the per-tab
/// figure, and the process's and the JIT's readings each rounded by up to a tick). Threads are read every
/// <see cref="Interval"/> and each one's last reading kept: a thread that ends loses at most what it did since it was last
/// read (a thread-pool worker ends after 20 s idle, so nothing). A thread first seen after the start counts from zero only
/// if it started after the start (its start time in /proc/PID/task/TID/stat); one that was running but missed by the
/// first listing is left out, not counted for its whole life.
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
    private readonly long _startedAtTicks;
    private readonly Dictionary<int, (string Name, double Ms)> _atStart;
    private readonly Dictionary<int, (string Name, double Ms)> _latest = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private ThreadCpu(int pid, int clkTck)
    {
        _pid = pid;
        _startedAtTicks = ProcFs.UptimeTicks(clkTck);
        _atStart = Threads();
        if (pid > 0 && _atStart.Count == 0)
        {
            throw new InvalidOperationException($"no thread of process {pid} could be read from /proc/{pid}/task/*/schedstat");
        }

        foreach (var (tid, thread) in _atStart)
        {
            _latest[tid] = thread;
        }

        _reading = ReadAsync();
    }

    /// <summary>Starts reading the process's threads (<paramref name="clkTck"/>: the kernel's ticks a second); <paramref name="pid"/> 0 reads nothing.</summary>
    public static ThreadCpu Start(int pid, int clkTck) => new(pid, clkTck);

    /// <summary>What the threads did since <see cref="Start"/>, from one last reading.</summary>
    public sealed record Reading(double AllMs, double JitMs, IReadOnlyList<(string Name, double Ms)> ByName);

    /// <summary>Stops reading, reads once more, and returns every figure from that one reading.</summary>
    public async Task<Reading> StopAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        Read();
        lock (_latest)
        {
            return new Reading(Sum(_ => true), Sum(IsJit), ByName());
        }
    }

    /// <summary>The background JIT's CPU milliseconds since <see cref="Start"/>, read now; reading goes on.</summary>
    public double JitSoFar()
    {
        Read();
        lock (_latest)
        {
            return Sum(IsJit);
        }
    }

    private static bool IsJit(string name) => name.StartsWith(JitWorkerName, StringComparison.Ordinal);

    // CPU milliseconds since Start by thread name (Linux's 15 characters: ".NET TP Worker", ".NET Timer"…), largest first.
    private List<(string Name, double Ms)> ByName() =>
        _latest.GroupBy(t => t.Value.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(t => t.Value.Ms - Started(t.Key))))
            .Where(t => t.Item2 >= 0.5)
            .OrderByDescending(t => t.Item2)
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }

    private double Sum(Func<string, bool> which) => _latest.Where(t => which(t.Value.Name)).Sum(t => t.Value.Ms - Started(t.Key));

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
            // The background reading and a last one can overlap: a thread's time only grows, so the larger one is the later.
            foreach (var (tid, thread) in now)
            {
                _latest[tid] = _latest.TryGetValue(tid, out var held) && held.Ms > thread.Ms ? held : thread;
            }
        }
    }

    /// <summary>The threads now; once the start's are known, leaving out any not among them that started before the start.</summary>
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
                var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                if (_atStart is not null && !_atStart.ContainsKey(tid))
                {
                    if (ProcFs.ThreadStartTicks(task) < _startedAtTicks)
                    {
                        continue;
                    }
                }

                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                var onCpuNs = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                threads[tid] = (name, onCpuNs / 1e6);
            }
            catch (IOException)
            {
                // the thread ended between the listing and the read
            }
        }

        return threads;
    }
}
