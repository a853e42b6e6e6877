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

    /// <summary>The whole machine's busy and total CPU time since boot, in clock ticks (/proc/stat's first line; idle and iowait are not busy).</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user)
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }
}
