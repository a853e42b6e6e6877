using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Who had the machine's cores around one command, and who waited for one: the time each thread of ShipRoom, of the
/// database server (its postmaster and every process it started), of the driver (the subscriber swarm) and of this
/// process (the rollbacks' client and the deploy webhook's receiver) spent on a CPU and waiting on a run queue, from /proc/PID/task/TID/schedstat (nanoseconds; /proc's stat counts 10 ms ticks, too coarse for a rollback).
/// Read before and after; a thread seen only once is left out. A slow answer with ShipRoom waiting for a core was the
/// machine's, one with ShipRoom neither running nor waiting was waiting on something else.
/// </summary>
public sealed record CoreShares(Share ShipRoom, Share Database, Share Driver, Share Timing)
{
    public static Reading Read(int serverPid, int databasePid, int driverPid)
    {
        var threads = new Dictionary<(char Group, int Tid), (double RunMs, double WaitMs)>();
        AddThreads(threads, 'S', serverPid);
        AddThreads(threads, 'D', driverPid);
        AddThreads(threads, 'T', Environment.ProcessId);
        if (databasePid > 0)
        {
            foreach (var pid in ProcessTree(databasePid))
            {
                AddThreads(threads, 'P', pid);
            }
        }

        return new Reading(threads);
    }

    public static CoreShares Between(Reading before, Reading after)
    {
        var sums = new Dictionary<char, Share>();
        foreach (var (key, now) in after.Threads)
        {
            if (before.Threads.TryGetValue(key, out var then))
            {
                var sum = sums.GetValueOrDefault(key.Group);
                sums[key.Group] = new Share(sum.RunMs + now.RunMs - then.RunMs, sum.WaitMs + now.WaitMs - then.WaitMs);
            }
        }

        return new CoreShares(sums.GetValueOrDefault('S'), sums.GetValueOrDefault('P'), sums.GetValueOrDefault('D'), sums.GetValueOrDefault('T'));
    }

    public string Describe(bool withDatabase) =>
        $"ShipRoom ran {Stats.Ms(ShipRoom.RunMs)} and waited {Stats.Ms(ShipRoom.WaitMs)} for a core" +
        (withDatabase ? $", PostgreSQL ran {Stats.Ms(Database.RunMs)} and waited {Stats.Ms(Database.WaitMs)}" : "") +
        $", the driver (its subscribers) ran {Stats.Ms(Driver.RunMs)} and waited {Stats.Ms(Driver.WaitMs)}" +
        $", the rollbacks' own process ran {Stats.Ms(Timing.RunMs)} and waited {Stats.Ms(Timing.WaitMs)}";

    /// <summary>The process and every process under it (PostgreSQL's backends are children of the postmaster).</summary>
    public static List<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // After the command name: state, then the parent's id.
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
            catch (IOException)
            {
                // the process ended between the listing and the read
            }
        }

        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(children.GetValueOrDefault(tree[i]) ?? []);
        }

        return tree;
    }

    private static void AddThreads(Dictionary<(char Group, int Tid), (double RunMs, double WaitMs)> threads, char group, int pid)
    {
        if (pid <= 0 || !Directory.Exists($"/proc/{pid}/task"))
        {
            return;
        }

        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    // schedstat: time on a CPU, time waiting on a run queue (both nanoseconds), timeslices run.
                    var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    var tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
                    threads[(group, tid)] = (long.Parse(fields[0], CultureInfo.InvariantCulture) / 1e6, long.Parse(fields[1], CultureInfo.InvariantCulture) / 1e6);
                }
                catch (IOException)
                {
                    // the thread ended between the listing and the read
                }
            }
        }
        catch (IOException)
        {
            // the process ended (DirectoryNotFoundException is one)
        }
    }

    public sealed record Reading(IReadOnlyDictionary<(char Group, int Tid), (double RunMs, double WaitMs)> Threads);
}

public readonly record struct Share(double RunMs, double WaitMs);
