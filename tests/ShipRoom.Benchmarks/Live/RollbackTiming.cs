using System.Diagnostics;
using System.Net.Http.Json;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// The rollback row: rollbacks given through the API while the rollouts created just before are back-filled and the
/// hub's subscribers are connected, each timed to its answer and to its deploy webhook. It runs in the deploy system's
/// process (<see cref="WebhookReceiver"/>, started by scripts/bench.sh), not the driver's: the driver also holds the
/// subscriber swarm, and what it does with an update to its 1,000 clients is no part of ShipRoom's answer. Timed apart
/// from it, the answers were as slow at those updates (docs/benchmarks.md, twenty-second round).
/// </summary>
public static class RollbackTiming
{
    public const string Name = "rollback → deploy webhook";

    public const double P99BudgetMs = 50;
    public const double MaxBudgetMs = 250;

    /// <summary>The row's budget as printed.</summary>
    public static readonly string Budget = $"p99 ≤ {P99BudgetMs:0} ms, max ≤ {MaxBudgetMs:0} ms";

    /// <summary>What the driver asks the deploy system's process to run.</summary>
    public sealed record Request(string Url, string Token, string Plan, int Count, int ServerPid, int DatabasePid, int DriverPid);

    /// <summary>The row, and the lines it logged (each with its time), for the driver to print.</summary>
    public sealed record Result(BenchRow Row, List<string> Log);

    public static async Task<BenchRow> RunAsync(ShipRoomSession session, WebhookReceiver receiver, string plan, int count, int serverPid, int databasePid, int driverPid, Action<string> log, CancellationToken ct)
    {
        var budget = Budget;

        // Baseline: a POST over loopback to the same receiver, answered at once, with the body a rollback sends.
        // First, untimed, what this process runs around each rollback (the body's JSON, the counters, /proc), so that
        // compiling it is timed neither as ShipRoom's nor as the baseline's.
        var loopback = new List<double>();
        var rollbackBody = new { reason = "scripts/bench.sh: rollback timing" };
        using (var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{receiver.Port}") })
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await plain.PostAsJsonAsync("/echo", rollbackBody, ct);
                _ = await ServerCounters.ReadAsync(session.BaseAddress, ct);
                _ = CoreShares.Between(CoreShares.Read(serverPid, databasePid, driverPid), CoreShares.Read(serverPid, databasePid, driverPid))
                    .Describe(databasePid > 0);
            }

            for (var i = 0; i < 30; i++)
            {
                var t = Stopwatch.GetTimestamp();
                using var response = await plain.PostAsJsonAsync("/echo", rollbackBody, ct);
                loopback.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        var api = new List<double>();
        var hook = new List<double>();
        var problems = new List<string>();
        var gcPauses = new List<double>();
        var cores = new List<string>();
        for (var i = 0; i < count; i++)
        {
            long id;
            var created = Stopwatch.GetTimestamp();
            try
            {
                id = await session.CreateStartedRolloutAsync(plan, ct);
            }
            catch (InvalidOperationException exception)
            {
                problems.Add(exception.Message);
                continue;
            }

            var createdMs = Stopwatch.GetElapsedTime(created).TotalMilliseconds;
            // The server's garbage-collector pauses from 250 ms before the command to just after its webhook: a slow
            // rollback that met a pause is told apart from one that waited for storage or the machine. Read before the
            // pause, so that the collection a scrape's allocations may bring is not brought into the command.
            var gcBefore = (await ServerCounters.ReadAsync(session.BaseAddress, ct)).GcPauseSeconds;
            var coresBefore = CoreShares.Read(serverPid, databasePid, driverPid);
            var windowStart = Stopwatch.GetTimestamp();
            await Task.Delay(250, ct);
            var t0 = Stopwatch.GetTimestamp();
            using var response = await session.Api.PostAsJsonAsync($"/api/rollouts/{id}/commands/rollback", rollbackBody, ct);
            var answered = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                problems.Add($"rollout {id}: {(int)response.StatusCode} {(body.Length > 300 ? body[..300] + "…" : body)}");
                continue;
            }

            api.Add(answered);
            var until = DateTime.UtcNow.AddSeconds(10);
            long arrived;
            while (!receiver.TryGetRollback(id, out arrived) && DateTime.UtcNow < until)
            {
                await Task.Delay(5, ct);
            }

            // Before the scrape below, whose work in ShipRoom is no part of the command's.
            var around = CoreShares.Between(coresBefore, CoreShares.Read(serverPid, databasePid, driverPid));
            var window = Stopwatch.GetElapsedTime(windowStart).TotalMilliseconds;
            var gcMs = ((await ServerCounters.ReadAsync(session.BaseAddress, ct)).GcPauseSeconds - gcBefore) * 1000;
            gcPauses.Add(gcMs);
            cores.Add($"in the {Stats.Ms(window)} from 250 ms before the command to its webhook, {around.Describe(databasePid > 0)}");
            if (arrived == 0)
            {
                problems.Add($"rollout {id}: no rollback webhook within 10 s (answer: {body}; GC pauses {Stats.Ms(gcMs)})");
                continue;
            }

            hook.Add(Stopwatch.GetElapsedTime(t0, arrived).TotalMilliseconds);
            log($"rollback of rollout {id}: created in {Stats.Ms(createdMs)}, API answer {Stats.Ms(answered)}, webhook after {Stats.Ms(hook[^1])}, GC pauses from 250 ms before the command to after the webhook {Stats.Ms(gcMs)}; {cores[^1]}");
        }

        log($"rollbacks: {api.Count} answered, {hook.Count} webhooks, {problems.Count} problems{(problems.Count > 0 ? ": " + problems[0] : "")}");
        if (api.Count == 0)
        {
            return BenchRow.NotMeasured(Name, budget, problems.Count > 0 ? $"every rollback failed; first: {problems[0]}" : "no rollback ran");
        }

        var passed = problems.Count == 0 &&
                     Stats.Percentile(api, 99) <= P99BudgetMs && api.Max() <= MaxBudgetMs &&
                     Stats.Percentile(hook, 99) <= P99BudgetMs && hook.DefaultIfEmpty(double.NaN).Max() <= MaxBudgetMs;
        return new BenchRow(Name,
            $"API answer p50 {Stats.Ms(Stats.Percentile(api, 50))}, p99 {Stats.Ms(Stats.Percentile(api, 99))}, max {Stats.Ms(api.Max())}; " +
            $"webhook arrival p50 {Stats.Ms(Stats.Percentile(hook, 50))}, p99 {Stats.Ms(Stats.Percentile(hook, 99))}, max {Stats.Ms(hook.DefaultIfEmpty(double.NaN).Max())} " +
            $"({api.Count} rollbacks{(problems.Count > 0 ? $", {problems.Count} failed" : "")}{SlowestGc(api, gcPauses)}{(serverPid > 0 && cores.Count == api.Count ? "; " + cores[api.IndexOf(api.Max())] : "")})",
            budget, $"loopback POST round trip p50 {Stats.Ms(Stats.Percentile(loopback, 50))}, max {Stats.Ms(loopback.Max())}", passed);
    }

    /// <summary>
    /// The GC's pauses around the rollback with the slowest answer: each answered rollback adds one answer and one GC
    /// reading (from 250 ms before the command to just after its webhook, or after the wait for it), in order.
    /// </summary>
    private static string SlowestGc(List<double> answers, List<double> gcPauses)
    {
        if (gcPauses.Count != answers.Count || answers.Count == 0)
        {
            return $"; GC pauses not read for every rollback ({gcPauses.Count} of {answers.Count})";
        }

        var slowest = answers.IndexOf(answers.Max());
        return $"; GC pauses from 250 ms before the command to after its webhook: {Stats.Ms(gcPauses[slowest])} around the slowest answer, {Stats.Ms(gcPauses.Sum())} around all";
    }
}
