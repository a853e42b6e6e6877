using System.Buffers.Text;
using System.Globalization;

namespace ShipRoom.Benchmarks.Live;

/// <summary>A process's CPU time and resident memory as Linux counts them (/proc/PID), read from outside the process.</summary>
public static class ProcFs
{
    /// <summary>utime + stime of the process, from /proc/PID/stat (fields 14 and 15, after the command name).</summary>
    public static double CpuMilliseconds(int pid, int clkTck)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / clkTck;
    }

    /// <summary>VmRSS of /proc/PID/status (the kernel writes it in kB), in bytes.</summary>
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line");
    }

    /// <summary>
    /// The whole machine's busy and total CPU time since boot, in clock ticks (/proc/stat's first line; idle and iowait
    /// are not busy, time stolen by the hypervisor is: the machine was not free).
    /// </summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var (busy, idle, stolen) = CpuTicks(File.ReadAllBytes("/proc/stat"));
        return (busy + stolen, busy + idle + stolen);
    }

    /// <summary>
    /// The busy, idle (with iowait) and stolen ticks of /proc/stat's first line, summed over the cores: its fields are
    /// user nice system idle iowait irq softirq steal (guest time is already in user).
    /// </summary>
    public static (long Busy, long Idle, long Stolen) CpuTicks(ReadOnlySpan<byte> stat)
    {
        var line = stat[(stat.IndexOf((byte)' ') + 1)..].TrimStart((byte)' ');
        Span<long> fields = stackalloc long[8];
        for (var i = 0; i < fields.Length; i++)
        {
            Utf8Parser.TryParse(line, out fields[i], out var used);
            line = line[Math.Min(line.Length, used + 1)..];
        }

        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6], fields[3] + fields[4], fields[7]);
    }

    /// <summary>The kernel's ticks since boot now (/proc/uptime), to set beside a thread's <see cref="ThreadStartTicks"/>.</summary>
    public static long UptimeTicks(int clkTck) =>
        (long)(double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture) * clkTck);

    /// <summary>When a thread started, in ticks since boot: field 22 of /proc/PID/task/TID/stat, the 20th after the command name.</summary>
    public static long ThreadStartTicks(string taskDirectory)
    {
        var stat = File.ReadAllText(Path.Combine(taskDirectory, "stat"));
        return long.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19], CultureInfo.InvariantCulture);
    }
}
