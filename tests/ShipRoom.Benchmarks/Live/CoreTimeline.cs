using System.Buffers.Text;
using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Who had the machine's two cores over time, read every <see cref="EveryMs"/> ms until disposed, so that each update's
/// stretches (the server's work, the wait after its push, the delivery) are told apart as ShipRoom running, ShipRoom
/// waiting for a core, the driver's subscribers running or waiting, PostgreSQL, the cores idle, or the cores taken by
/// the hypervisor. <see cref="CoreShares"/> reads the same counters around one command; this reads them through a
/// listening window.
/// <list type="bullet">
/// <item>Each thread's time on a CPU and waiting on a run queue, from /proc/PID/task/TID/schedstat (nanoseconds): of
/// ShipRoom, of PostgreSQL (its postmaster and every process under it) and of this process (the subscriber swarm), less
/// the reading thread itself. The files stay open and are read again from their start, so a reading costs one system call
/// per thread. The thread lists are read again every <see cref="ListEveryMs"/> ms; a thread found later that started after
/// the timeline did is counted from zero, so its time before it was found is not lost.</item>
/// <item>The machine's time from /proc/stat, summed over its cores: busy, idle, and stolen (a vCPU the hypervisor did not
/// run). These are the kernel's ticks (10 ms here), so a stretch of tens of milliseconds reads them to a tick or two on
/// each core.</item>
/// <item>This process's thread pool: its queue and its threads.</item>
/// </list>
/// The reading runs on a thread of its own, not the pool it reads, and its own CPU time is counted (<see cref="OwnMs"/>).
/// Each reading is stamped at the middle of its reads; the longest took <see cref="LongestReadMs"/>.
/// </summary>
public sealed class CoreTimeline : IDisposable
{
    private const int EveryMs = 10;
    private const int ListEveryMs = 250;

    private readonly Group _server;
    private readonly Group _database;
    private readonly Group _driver;
    private readonly int _databasePid;
    private readonly Sample[] _samples;
    private readonly int _clkTck;
    private readonly Thread _thread;
    private readonly SafeFileHandle _machine = File.OpenHandle("/proc/stat");
    private readonly byte[] _buffer = new byte[4096];
    private volatile bool _stop;
    private int _count;
    private int _readerTid;
    private bool _disposed;

    /// <summary>The readings' own CPU time, from the reading thread's schedstat.</summary>
    public double OwnMs { get; private set; }

    /// <summary>The longest one reading took, from its first read to its last.</summary>
    public double LongestReadMs { get; private set; }

    /// <summary>Why the readings stopped early, if they did.</summary>
    public string? Failure { get; private set; }

    /// <param name="expected">How long it will be read: the samples are held in one array sized once.</param>
    public CoreTimeline(int serverPid, int databasePid, int clkTck, TimeSpan expected)
    {
        _clkTck = clkTck;
        _databasePid = databasePid;
        var startTicks = ProcFs.UptimeTicks(clkTck);
        _server = new Group(serverPid > 0 ? [serverPid] : [], startTicks);
        _database = new Group([], startTicks);
        _driver = new Group([Environment.ProcessId], startTicks);
        _samples = new Sample[(int)(expected.TotalMilliseconds / EveryMs) + 1];
        _thread = new Thread(Run) { IsBackground = true, Name = "core timeline" };
        _thread.Start();
    }

    /// <summary>
    /// What each party did in one stretch (widened to the readings around it), in milliseconds of thread time summed over
    /// each party's threads, and the machine's core-milliseconds (both cores together).
    /// </summary>
    public readonly record struct Stretch(double Ms, Share Server, Share Database, Share Driver, double BusyMs, double IdleMs, double StolenMs, int DriverQueueMax, int DriverThreads)
    {
        public string Describe(bool withDatabase) =>
            $"{Ms:0} ms: ShipRoom ran {Server.RunMs:0.0}, waited {Server.WaitMs:0.0}" +
            (withDatabase ? $"; PostgreSQL ran {Database.RunMs:0.0}, waited {Database.WaitMs:0.0}" : "") +
            $"; driver ran {Driver.RunMs:0.0}, waited {Driver.WaitMs:0.0}, pool queue ≤ {DriverQueueMax} on {DriverThreads} threads" +
            $"; core-ms busy {BusyMs:0}, idle {IdleMs:0}, stolen {StolenMs:0}";
    }

    /// <summary>
    /// From the last reading at or before <paramref name="from"/> to the first at or after <paramref name="to"/>; null
    /// when the readings do not reach that far on either side.
    /// </summary>
    public Stretch? Between(DateTimeOffset from, DateTimeOffset to)
    {
        var count = Volatile.Read(ref _count);
        if (count < 2 || to <= from || _samples[0].At > from || _samples[count - 1].At < to)
        {
            return null;
        }

        var first = 0;
        while (first + 1 < count && _samples[first + 1].At <= from)
        {
            first++;
        }

        var last = first;
        while (last + 1 < count && _samples[last].At < to)
        {
            last++;
        }

        if (last == first)
        {
            return null;
        }

        var (a, b) = (_samples[first], _samples[last]);
        var queue = 0;
        for (var i = first; i <= last; i++)
        {
            queue = Math.Max(queue, _samples[i].DriverQueue);
        }

        var tickMs = 1000.0 / _clkTck;
        return new Stretch((b.At - a.At).TotalMilliseconds, Minus(b.Server, a.Server), Minus(b.Database, a.Database), Minus(b.Driver, a.Driver),
            (b.BusyTicks - a.BusyTicks) * tickMs, (b.IdleTicks - a.IdleTicks) * tickMs, (b.StolenTicks - a.StolenTicks) * tickMs, queue, b.DriverThreads);
    }

    private static Share Minus(Share b, Share a) => new(b.RunMs - a.RunMs, b.WaitMs - a.WaitMs);

    /// <summary>How many readings were taken, and their median interval.</summary>
    public (int Count, double MedianIntervalMs) Readings
    {
        get
        {
            var count = Volatile.Read(ref _count);
            var intervals = Enumerable.Range(1, Math.Max(0, count - 1)).Select(i => (_samples[i].At - _samples[i - 1].At).TotalMilliseconds).ToList();
            return (count, Stats.Percentile(intervals, 50));
        }
    }

    private void Run()
    {
        try
        {
            Read();
        }
        catch (Exception exception)
        {
            // On a thread of its own an exception would end the driver: the readings so far stand, and say why they stop.
            Failure = exception.Message;
        }
    }

    private void Read()
    {
        _readerTid = Gettid();
        SafeFileHandle? own = null;
        try
        {
            own = File.OpenHandle($"/proc/self/task/{_readerTid}/schedstat");
        }
        catch (IOException)
        {
            // Its own time is then not known: OwnMs stays 0.
        }

        var ownStart = own is null ? 0 : ReadShare(own).RunMs;
        var nextList = 0L;
        var nextDatabaseList = 0L;
        while (!_stop && _count < _samples.Length)
        {
            var now = Environment.TickCount64;
            if (now >= nextList)
            {
                _server.FindNewThreads(0);
                _driver.FindNewThreads(_readerTid);
                // PostgreSQL's processes are found by reading every process's parent: less often.
                if (_databasePid > 0 && now >= nextDatabaseList)
                {
                    _database.Pids = CoreShares.ProcessTree(_databasePid);
                    nextDatabaseList = now + 4 * ListEveryMs;
                }

                _database.FindNewThreads(0);
                nextList = now + ListEveryMs;
            }

            var before = DateTimeOffset.UtcNow;
            var (busy, idle, stolen) = MachineTicks();
            var (server, database, driver) = (_server.Read(_buffer), _database.Read(_buffer), _driver.Read(_buffer));
            var after = DateTimeOffset.UtcNow;
            LongestReadMs = Math.Max(LongestReadMs, (after - before).TotalMilliseconds);
            _samples[_count] = new Sample(before + (after - before) / 2, server, database, driver,
                busy, idle, stolen, (int)Math.Min(int.MaxValue, ThreadPool.PendingWorkItemCount), ThreadPool.ThreadCount);
            Volatile.Write(ref _count, _count + 1);
            Thread.Sleep(EveryMs);
        }

        if (own is not null)
        {
            OwnMs = ReadShare(own).RunMs - ownStart;
            own.Dispose();
        }
    }

    private static int Gettid() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(' ')[0], CultureInfo.InvariantCulture);

    private (long Busy, long Idle, long Stolen) MachineTicks() => ProcFs.CpuTicks(_buffer.AsSpan(0, RandomAccess.Read(_machine, _buffer, 0)));

    private Share ReadShare(SafeFileHandle handle) => Schedstat(_buffer.AsSpan(0, RandomAccess.Read(handle, _buffer, 0))) ?? default;

    /// <summary>schedstat: time on a CPU, time waiting on a run queue (both nanoseconds), timeslices run.</summary>
    private static Share? Schedstat(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long runNs, out var used) && used < text.Length && Utf8Parser.TryParse(text[(used + 1)..], out long waitNs, out _)
            ? new Share(runNs / 1e6, waitNs / 1e6)
            : null;

    /// <summary>Stops the readings; once is enough. The handles stay open if the reading thread did not stop.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop = true;
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            Failure ??= "the reading thread did not stop within 5 s";
            return;
        }

        _server.Dispose();
        _database.Dispose();
        _driver.Dispose();
        _machine.Dispose();
    }

    private readonly record struct Sample(DateTimeOffset At, Share Server, Share Database, Share Driver, long BusyTicks, long IdleTicks, long StolenTicks, int DriverQueue, int DriverThreads);

    /// <summary>
    /// The threads of some processes, each counted from when it was first seen, or from zero if it started after
    /// <paramref name="startTicks"/> (the kernel's ticks since boot); a thread that ends keeps what it had, so the group's
    /// sum only grows.
    /// </summary>
    private sealed class Group(List<int> pids, long startTicks) : IDisposable
    {
        private readonly Dictionary<int, Tracked> _threads = [];
        private Share _ended;
        private bool _listed;

        public List<int> Pids { get; set; } = pids;

        public void FindNewThreads(int leaveOut)
        {
            foreach (var pid in Pids)
            {
                try
                {
                    foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                    {
                        var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                        if (tid == leaveOut || _threads.ContainsKey(tid))
                        {
                            continue;
                        }

                        try
                        {
                            _threads[tid] = new Tracked(File.OpenHandle(Path.Combine(task, "schedstat")))
                            {
                                First = _listed && ProcFs.ThreadStartTicks(task) >= startTicks ? default(Share) : null,
                            };
                        }
                        catch (IOException)
                        {
                            // ended between the listing and the open
                        }
                    }
                }
                catch (IOException)
                {
                    // the process ended (DirectoryNotFoundException is one)
                }
            }

            _listed = true;
        }


        public Share Read(byte[] buffer)
        {
            var (run, wait) = (_ended.RunMs, _ended.WaitMs);
            List<int>? ended = null;
            foreach (var (tid, thread) in _threads)
            {
                try
                {
                    if (Schedstat(buffer.AsSpan(0, RandomAccess.Read(thread.Handle, buffer, 0))) is not { } now)
                    {
                        continue;
                    }

                    thread.Last = now;
                    thread.First ??= thread.Last;
                    run += thread.Last.RunMs - thread.First.Value.RunMs;
                    wait += thread.Last.WaitMs - thread.First.Value.WaitMs;
                }
                catch (IOException)
                {
                    // The thread ended: what it did while read stays counted.
                    (ended ??= []).Add(tid);
                }
            }

            foreach (var tid in ended ?? [])
            {
                var thread = _threads[tid];
                if (thread.First is { } first)
                {
                    _ended = new Share(_ended.RunMs + thread.Last.RunMs - first.RunMs, _ended.WaitMs + thread.Last.WaitMs - first.WaitMs);
                    run += thread.Last.RunMs - first.RunMs;
                    wait += thread.Last.WaitMs - first.WaitMs;
                }

                thread.Handle.Dispose();
                _threads.Remove(tid);
            }

            return new Share(run, wait);
        }

        public void Dispose()
        {
            foreach (var thread in _threads.Values)
            {
                thread.Handle.Dispose();
            }
        }

        private sealed class Tracked(SafeFileHandle handle)
        {
            public SafeFileHandle Handle { get; } = handle;
            public Share? First { get; set; }
            public Share Last { get; set; }
        }
    }
}
