using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// <c>ShipRoom.Benchmarks live --url http://127.0.0.1:P --password PW ...</c>: drives a running ShipRoom from outside
/// (scripts/bench.sh starts it) and prints one line per row of issue 21, each beside its budget and, where the issue
/// names one, a baseline measured in the same run. Options: --user (admin) and --password of the first admin,
/// --subscribers N (then as many again, listened to for --doubled-listen-seconds), --rollbacks R, --rollouts K,
/// --listen-seconds S (hub updates), --cpu-seconds C (poll CPU, whole
/// minutes), --backfill-wait-seconds W, --server-pid PID, --clk-tck HZ, --database-pid PID (PostgreSQL's postmaster: its
/// processes' time on the cores around each rollback),
/// --deploy-system-url URL (`deploysystem`, where ShipRoom's Deploy:WebhookUrl points; the rollback row runs there), --barehub-url URL, --runtime-assets a,b (modules
/// the dashboard imports at run time), --tabs N (dashboard tabs in Chromium; 0: those rows are not measured),
/// --warmup-tabs W (dashboard and bare-page tabs opened and closed first; at least 20 unless given),
/// --tab-updates K (demo updates per CPU window with and without tabs), --tabs-only (the tab rows and nothing after them:
/// the quick way to compare two builds' dashboards, or to profile one), --barepage-url URL and --barepage-pid PID (the
/// bare Blazor page), --plan FILE, --label TEXT (appended to every row name), --markdown FILE (the table rows),
/// --ready-seconds, --timeout-minutes. The order of the steps is in docs/benchmarks.md.
/// </summary>
public static class LiveCommand
{
    private const int UpdateBudgetBytes = 32 * 1024;
    private const double LatencyBudgetMs = 150;

    /// <summary>The issue's budget with twice the subscribers (2,000 in the full run).</summary>
    private const double DoubledBudgetMs = 300;

    /// <summary>Fewer updates than this in the doubled window and its p99 is one update's slowest receipts: not a figure.</summary>
    private const int MinimumDoubledUpdates = 2;
    private const double PollCpuBudgetMs = 5;
    private const long FirstLoadBudgetBytes = 800_000;
    private const int BareIntervalMs = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(options.Int("timeout-minutes", 30)));

        // SIGTERM or Ctrl-C ends the run through the token, so everything opened with `await using` (the browser and its
        // tabs among them) is closed before the process exits. Without this a web host in the process (the webhook
        // receiver's, when it ran here) took the signal and the run went on.
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            cts.Cancel();
        }

        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            return await RunAsync(options, cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"[live {DateTime.UtcNow:HH:mm:ss}] stopped (a signal, or --timeout-minutes passed); what the run opened is closed");
            return 2;
        }
    }

    private static async Task<int> RunAsync(Options options, CancellationToken ct)
    {
        var url = new Uri(options.Required("url"));
        var label = options.Get("label") ?? "";
        var subscribers = options.Int("subscribers", 1000);
        var rollbacks = options.Int("rollbacks", 50);
        var rollouts = options.Int("rollouts", 100);
        var listenSeconds = options.Int("listen-seconds", 60);
        var cpuSeconds = options.Int("cpu-seconds", 120);
        var serverPid = options.Int("server-pid", 0);
        var clkTck = options.Int("clk-tck", 100);
        var plan = await File.ReadAllTextAsync(options.Required("plan"), ct);
        var runtimeAssets = (options.Get("runtime-assets") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var rows = new List<BenchRow>();

        void Print(BenchRow row)
        {
            row = row with { Name = row.Name + label };
            rows.Add(row);
            Console.WriteLine(row.Line);
        }

        void Log(string text) => Console.Error.WriteLine($"[live {DateTime.UtcNow:HH:mm:ss}] {text}");

        // The deploy system ShipRoom calls for every start, hold, advance and rollback: a process of its own.
        using var deploySystem = options.Get("deploy-system-url") is { } deployUrl ? new HttpClient { BaseAddress = new Uri(deployUrl), Timeout = TimeSpan.FromMinutes(20) } : null;
        await WaitReadyAsync(url, TimeSpan.FromSeconds(options.Int("ready-seconds", 180)), ct);
        using var session = await ShipRoomSession.SignInAsync(url, options.Get("user") ?? "admin", options.Required("password"), ct);
        var demo = await session.DemoRolloutAsync(TimeSpan.FromSeconds(60), ct);
        Log($"signed in, API token issued; demo rollout {demo}");

        // --- first load --------------------------------------------------------------------------------------------
        try
        {
            var dashboard = await FirstLoad.MeasureAsync(session.CookieClient, $"/rollouts/{demo}", runtimeAssets, ct);
            using var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = url };
            var signIn = await FirstLoad.MeasureAsync(anonymous, "/login", [], ct);
            foreach (var asset in dashboard)
            {
                Log($"first load: {asset.Path} {asset.Status} {asset.Bytes} B {asset.Encoding ?? "identity"}");
            }

            var failed = dashboard.Where(a => a.Status != 200).Select(a => $"{a.Path} {a.Status}").ToList();
            var total = dashboard.Sum(a => a.Bytes);
            var uncompressed = dashboard.Where(a => a.Encoding is null && a.Bytes > 10_000).Select(a => $"{a.Path} {a.Bytes:N0} B").ToList();
            Print(new BenchRow("first load (dashboard, bytes on the wire)",
                $"{Stats.Bytes(total)} in {dashboard.Count} responses (HTML + linked CSS/JS + {runtimeAssets.Length} run-time modules; /_blazor traffic not included)" +
                (uncompressed.Count > 0 ? $"; sent uncompressed: {string.Join(", ", uncompressed)}" : "") +
                (failed.Count > 0 ? $"; NOT 200: {string.Join(", ", failed)}" : ""),
                $"≤ {Stats.Bytes(FirstLoadBudgetBytes)}",
                $"sign-in page {Stats.Bytes(signIn.Sum(a => a.Bytes))} in {signIn.Count} responses",
                total <= FirstLoadBudgetBytes && failed.Count == 0));
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException)
        {
            Print(BenchRow.NotMeasured("first load (dashboard, bytes on the wire)", "≤ 800 KB", $"failed: {exception.Message}"));
        }

        // --- rows that need browser tabs: N dashboards open in headless Chromium ---------------------------------------
        // Measured here, with only the demo running on a fresh server, and printed at the end. Not after the poll CPU
        // row: the K rollouts just rolled back keep the server busy for a while after (postmortem drafts, sweeps), and
        // that landed in the window without tabs (a quick run measured more CPU per update with 0 tabs than with 5).
        var tabs = options.Int("tabs", 0);
        IReadOnlyList<BenchRow> tabRows;
        if (tabs <= 0)
        {
            tabRows = DashboardTabRows.NotMeasuredAll("no --tabs");
        }
        else
        {
            try
            {
                var settings = new DashboardTabRows.Settings(tabs, options.Int("warmup-tabs", Math.Max(tabs, DashboardTabRows.SteadyWarmUpTabs)), options.Int("tab-updates", 4), serverPid, clkTck,
                    options.Get("barepage-url") is { } barePage ? new Uri(barePage) : null, options.Int("barepage-pid", 0));
                tabRows = await DashboardTabRows.MeasureAsync(session, demo, settings, Log, ct);
            }
            catch (Exception exception) when (!ct.IsCancellationRequested)
            {
                Log($"tabs: failed: {exception}");
                tabRows = DashboardTabRows.NotMeasuredAll($"failed: {exception.GetType().Name}: {exception.Message.Split('\n')[0].Trim()}");
            }
        }

        if (options.Flag("tabs-only"))
        {
            if (tabs <= 0)
            {
                throw new ArgumentException("--tabs-only measures the tab rows: give --tabs N too");
            }

            foreach (var row in tabRows)
            {
                Print(row);
            }

            if (options.Get("markdown") is { } tabsMarkdown)
            {
                await File.AppendAllLinesAsync(tabsMarkdown, rows.Select(r => r.MarkdownRow), ct);
            }

            return 0;
        }

        // The rows after this one meet the load they are meant to meet (back-fills, subscribers), not the tabs' ending.
        if (tabs > 0)
        {
            Log(await QuietMachine.WaitAsync(TimeSpan.FromSeconds(45), ct));
        }

        // --- subscribers on ShipRoom's hub, connected before the load arrives ------------------------------------------
        List<double> shipRoomLatencies;
        List<HubSwarm.Received> doubled;
        int doubledUpdates;
        string? doubledNotMeasured;
        var doubledListenSeconds = options.Int("doubled-listen-seconds", Math.Max(20, listenSeconds * 2 / 3));
        List<double> shipRoomHandled;
        int unstamped;
        List<int> sizes;
        int updatesSeen;
        int emptyUpdates;
        var live = new List<long>();
        string backfillText;
        string? largestUpdate;
        await using (var swarm = await ConnectLoggedAsync(new Uri(url, "/hubs/rollouts"), subscribers, session.Token, HubSwarm.SubscribeTo(demo), Log, ct))
        {
            // --- K rollouts polling in the background (the poll CPU row, and load for the others) --------------------
            if (serverPid > 0)
            {
                var waited = await PollCpuWindow.WaitToCreateAsync(ct);
                Log($"waited {waited.TotalSeconds:0.0} s for {PollCpuWindow.CreateFrom}-{PollCpuWindow.CreateUntil} s past the minute, so the {rollouts} rollouts' probes run between their polls' bursts");
            }

            var pollsBeforeCreate = (await ServerCounters.ReadAsync(url, ct)).Polls;
            var started = Stopwatch.StartNew();
            var createErrors = new List<string>();
            var createMs = new List<double>();
            for (var i = 0; i < rollouts; i++)
            {
                try
                {
                    var t = Stopwatch.GetTimestamp();
                    live.Add(await session.CreateStartedRolloutAsync(plan, ct));
                    createMs.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
                catch (InvalidOperationException exception)
                {
                    createErrors.Add(exception.Message);
                }
            }

            Log($"created {live.Count} of {rollouts} started rollouts on the simulator in {started.Elapsed.TotalSeconds:0.0} s " +
                $"(POST /api/rollouts p50 {Stats.Ms(Stats.Percentile(createMs, 50))}, max {Stats.Ms(createMs.DefaultIfEmpty(double.NaN).Max())})" +
                (createErrors.Count > 0 ? $"; first error: {createErrors[0]}" : ""));

            // Rollbacks while every new rollout's first poll back-fills an hour and the subscribers are connected: the
            // issue's condition for this row.
            Print(await RollbacksAsync(deploySystem, new RollbackTiming.Request(url.ToString(), session.Token, plan, rollbacks, serverPid, options.Int("database-pid", 0), Environment.ProcessId), ct));

            // Then wait for the back-fills to end, so the hub rows see steady polls.
            backfillText = await WaitForFirstPollsAsync(session, url, live, pollsBeforeCreate, started, TimeSpan.FromSeconds(options.Int("backfill-wait-seconds", 600)), ct);
            Log(backfillText);

            // Whose pauses a slow update met, the driver's and the server's, and where the server spent its time (its
            // spans), each read beside each update. All start before the window does, so that no update in it falls
            // before the first reading.
            var serverBefore = await ServerCounters.ReadAsync(url, ct);
            List<HubSwarm.Received> received;
            string? noTimeline = null;
            var serverTimeline = serverPid > 0 ? ServerTimeline.Start(serverPid, out noTimeline) : null;
            if (noTimeline is not null)
            {
                Log($"the server's GC pauses and spans are not read per update: its diagnostics port answered {noTimeline}");
            }

            var databasePid = options.Int("database-pid", 0);
            await using (serverTimeline)
            await using (var driverPauses = new PauseTimeline(TimeSpan.FromSeconds(listenSeconds + 5)))
            using (var cores = new CoreTimeline(serverPid, databasePid, clkTck, TimeSpan.FromSeconds(listenSeconds + 5)))
            {
                swarm.Clear();
                await Task.Delay(TimeSpan.FromSeconds(listenSeconds), ct);
                received = swarm.All.ToList();
                var serverGc = (await ServerCounters.ReadAsync(url, ct)).GcPauseSeconds - serverBefore.GcPauseSeconds;
                var updates = received.GroupBy(r => r.Sequence).OrderBy(g => g.Key).Select(g => (g.Key, From: g.First().BuiltAt, First: g.Min(r => r.At), To: g.Max(r => r.At))).ToList();
                Log($"GC pauses while the hub rows listened: the server {Stats.Ms(serverGc * 1000)}, the driver {Stats.Ms(driverPauses.Total.TotalMilliseconds)}; " +
                    "the driver's from each update's builtAt (its second past the minute: the background rollouts poll in the seconds after it) to its last receipt: " +
                    string.Join("; ", updates.Select(u => $"#{u.Key} (:{u.From:ss.f}) {driverPauses.PausedBetween(u.From, u.To).TotalMilliseconds:0.0} ms")));
                if (serverTimeline is not null)
                {
                    // The session's events arrive in buffers: it is stopped (and so flushed) before the timeline is read.
                    await serverTimeline.DisposeAsync();
                    var (count, sum, otherCount, otherSum) = serverTimeline.Pauses;
                    Log($"the server's GC pauses from its own events: {count} while the hub rows listened, {Stats.Ms(sum)} in all " +
                        $"(and {otherCount} suspensions for something else, {Stats.Ms(otherSum)}){(serverTimeline.Failure is { } failure ? $" (the events ended early: {failure})" : "")}; " +
                        "from each update's builtAt to its last receipt: " +
                        string.Join("; ", updates.Select(u => $"#{u.Key} {ServerTimeline.Describe(serverTimeline.PausesBetween(u.From, u.To))}")));
                    Log($"the server's spans while the hub rows listened: {serverTimeline.SpanCounts}; each update's path, ms from its builtAt (when its poll read the clock to judge): " +
                        string.Join("; ", updates.Select(u => $"#{u.Key} {serverTimeline.Path(u.Key, u.From, u.First)}")));
                }

                // Who had the cores in each update's stretches: the server's part (to its push's end, or to the first
                // receipt when no push span was read), the wait after the push, and the delivery to every client.
                cores.Dispose();
                var (readings, interval) = cores.Readings;
                var describe = (DateTimeOffset from, DateTimeOffset to) => cores.Between(from, to)?.Describe(databasePid > 0) ?? "not read";
                Log($"who had the cores while the hub rows listened ({readings} readings, every {Stats.Ms(interval)}, the longest {Stats.Ms(cores.LongestReadMs)}, the readings' own CPU {Stats.Ms(cores.OwnMs)}" +
                    (cores.Failure is { } coresFailed ? $", stopped early: {coresFailed}" : "") + "; ms run and waiting for a core, summed over each one's threads): " +
                    string.Join("; ", updates.Select(u => serverTimeline?.PushEnd(u.Key) is { } pushed && pushed > u.From && pushed < u.First
                        ? $"#{u.Key} built → pushed {describe(u.From, pushed)} | pushed → first receipt {describe(pushed, u.First)} | first → last receipt {describe(u.First, u.To)}"
                        : $"#{u.Key} built → first receipt {describe(u.From, u.First)} | first → last receipt {describe(u.First, u.To)}")));
            }

            shipRoomLatencies = received.Select(r => (r.At - r.BuiltAt).TotalMilliseconds).ToList();
            shipRoomHandled = received.Select(r => (r.HandledAt - r.BuiltAt).TotalMilliseconds).ToList();
            unstamped = received.Count(r => !r.Stamped);
            sizes = received.Where(r => r.Client == 0).Select(r => r.Bytes).ToList();
            updatesSeen = received.Where(r => r.Client == 0).Select(r => r.Sequence).Distinct().Count();
            emptyUpdates = received.Count(r => r.Client == 0 && r.Empty);
            largestUpdate = swarm.Largest;
            if (swarm.Largest is { } largest)
            {
                Log($"largest update {Encoding.UTF8.GetByteCount(largest):N0} B: {HubSwarm.Breakdown(largest)}");
            }

            Log($"ShipRoom hub: {received.Count} updates received by {swarm.Connected} clients in {listenSeconds} s ({updatesSeen} distinct to client 0)");
            Log($"ShipRoom hub, builtAt → first / median / last receipt of each update (ms): {HubSwarm.Spread(received)}");
            Log($"ShipRoom hub, builtAt → first / median / last handler run of each update (ms): {HubSwarm.HandlerSpread(received)}; " +
                $"handlers that ran with no note from their socket (their receipt is the handler's time): {unstamped}; notes no handler took: {swarm.SpareNotes}");

            (doubled, doubledUpdates, doubledNotMeasured) = await ListenDoubledAsync(swarm, new Uri(url, "/hubs/rollouts"), subscribers, session.Token, demo, doubledListenSeconds, Log, ct);
        }

        var sizeP50 = Stats.Percentile(sizes.Select(s => (double)s).ToList(), 50);
        if (sizes.Count == 0)
        {
            Print(BenchRow.NotMeasured("hub update size (RolloutUpdated, demo rollout)", "≤ 32 KB", $"no update arrived in {listenSeconds} s"));
        }
        else
        {
            Print(new BenchRow("hub update size (RolloutUpdated, demo rollout)",
                $"max {Stats.Bytes(sizes.Max())}, p50 {Stats.Bytes(sizeP50)} over {sizes.Count} updates",
                $"≤ {Stats.Bytes(UpdateBudgetBytes)} (32 KB) each", "—", sizes.Max() <= UpdateBudgetBytes));
            Print(new BenchRow("pushes that change nothing (demo rollout)",
                $"{emptyUpdates} of {sizes.Count} updates carried no patched property, chart point or gate minute",
                "one push per change (0)", "—", emptyUpdates == 0));
        }

        // The K rollouts run on the wall clock and poll each whole minute, all in the few seconds after it: the poll CPU
        // window starts between 15 and 55 s past a minute and lasts whole minutes, so it holds every burst whole, and is cut
        // at each burst's start and end (PollCpuWindow): the quiet time between them is the baseline. The
        // bare hub (connecting its clients, 2 s to settle, two broadcasts of about 8.5 s) runs while that time comes. It
        // started only at 20 or 50 s past until the tenth round: up to 30 s of waiting, which took the quick run past five
        // minutes.
        var cpuStart = DateTime.UtcNow.AddSeconds(24);
        if (cpuStart.Second < 15)
        {
            cpuStart = cpuStart.AddSeconds(15 - cpuStart.Second);
        }
        else if (cpuStart.Second > 55)
        {
            cpuStart = cpuStart.AddSeconds(75 - cpuStart.Second);
        }

        // --- the bare hub, same clients: ShipRoom's own update, and one string of the same size ------------------------
        // Its own update is the baseline: the 1,000 clients share this machine with the server and read each update's
        // JSON token by token (about 1,700 tokens in the demo's), while one padded string is a single token; the padded
        // message says what the bytes alone cost.
        var bareText = "not measured (no --barehub-url)";
        if (options.Get("barehub-url") is { } bareUrl && largestUpdate is not null)
        {
            var count = Math.Max(10, updatesSeen);
            await using var bare = await ConnectLoggedAsync(new Uri(bareUrl), subscribers, null, null, Log, ct);
            await using var control = new HubConnectionBuilder().WithUrl(new Uri(bareUrl)).Build();
            await control.StartAsync(ct);
            // Two seconds for the connections just made (and the 2,000 of ShipRoom's hub just closed) to settle.
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            async Task<(List<double> Received, List<double> Handled)> BroadcastAsync(string method, object message, string what)
            {
                bare.Clear();
                // Two a second: the slowest message reached all 1,000 clients within 200 ms in this round's runs, and both
                // broadcasts (about 8.5 s each) then fit the wait for the poll CPU window (at least 24 s) they run in. The
                // first message is not timed, and the clients have had 2 s to settle: sent ShipRoom's update, the first or
                // the second message was the slowest of ten in each of four passes (110-205 ms to the last client, where
                // messages 3-10 read 53-107), the 1,000 clients just connected and the hub's path still cold, while
                // ShipRoom's clients had been connected for minutes and had had updates before their window.
                await control.InvokeAsync(method, message, count + 1, BareIntervalMs, ct);
                await Task.Delay(TimeSpan.FromMilliseconds((count + 1) * BareIntervalMs + 3000), ct);
                var timed = bare.All.Where(r => r.Sequence > 1).ToList();
                Log($"bare hub, {what}, builtAt → first / median / last receipt of each message after the first (ms): {HubSwarm.Spread(timed)}; " +
                    $"the same, to each handler's run: {HubSwarm.HandlerSpread(timed)}; handlers with no note from their socket: {timed.Count(r => !r.Stamped)}; notes no handler took: {bare.SpareNotes}");
                return (timed.Select(r => (r.At - r.BuiltAt).TotalMilliseconds).ToList(), timed.Select(r => (r.HandledAt - r.BuiltAt).TotalMilliseconds).ToList());
            }

            var (same, sameHandled) = await BroadcastAsync("BroadcastJson", largestUpdate, "ShipRoom's largest update as it is");
            var (padded, paddedHandled) = await BroadcastAsync("Broadcast", (int)sizeP50, "one padded string");
            bareText = $"bare hub, same N: ShipRoom's largest update as it is ({Stats.Bytes(Encoding.UTF8.GetByteCount(largestUpdate))}), p50 {Stats.Ms(Stats.Percentile(same, 50))}, p99 {Stats.Ms(Stats.Percentile(same, 99))} ({same.Count} receipts; handler p99 {Stats.Ms(Stats.Percentile(sameHandled, 99))}); " +
                       $"one string of {Stats.Bytes(sizeP50)}, p50 {Stats.Ms(Stats.Percentile(padded, 50))}, p99 {Stats.Ms(Stats.Percentile(padded, 99))} ({padded.Count} receipts; handler p99 {Stats.Ms(Stats.Percentile(paddedHandled, 99))})";
            Log(bareText);
        }

        if (shipRoomLatencies.Count == 0)
        {
            Print(BenchRow.NotMeasured($"subscribers ({subscribers} on one rollout, builtAt → whole in the client's WebSocket)", $"p99 ≤ {LatencyBudgetMs} ms", $"no update arrived in {listenSeconds} s"));
        }
        else
        {
            var p99 = Stats.Percentile(shipRoomLatencies, 99);
            Print(new BenchRow($"subscribers ({subscribers} on one rollout, builtAt → whole in the client's WebSocket)",
                $"p50 {Stats.Ms(Stats.Percentile(shipRoomLatencies, 50))}, p99 {Stats.Ms(p99)}, max {Stats.Ms(shipRoomLatencies.Max())} ({shipRoomLatencies.Count} receipts of {updatesSeen} updates, " +
                $"{unstamped} timed at the handler); to each SignalR handler's run in the {subscribers}-client driver: p99 {Stats.Ms(Stats.Percentile(shipRoomHandled, 99))}",
                $"p99 ≤ {LatencyBudgetMs:0} ms", bareText, p99 <= LatencyBudgetMs));
        }

        var doubledRow = $"subscribers ({2 * subscribers} on one rollout, builtAt → whole in the client's WebSocket)";
        if (doubledNotMeasured is not null || doubledUpdates < MinimumDoubledUpdates)
        {
            Print(BenchRow.NotMeasured(doubledRow, $"p99 ≤ {DoubledBudgetMs} ms",
                doubledNotMeasured ?? $"{doubledUpdates} updates built in {doubledListenSeconds} s, fewer than {MinimumDoubledUpdates}"));
        }
        else
        {
            var latencies = doubled.Select(r => (r.At - r.BuiltAt).TotalMilliseconds).ToList();
            var p99 = Stats.Percentile(latencies, 99);
            Print(new BenchRow(doubledRow,
                $"p50 {Stats.Ms(Stats.Percentile(latencies, 50))}, p99 {Stats.Ms(p99)}, max {Stats.Ms(latencies.Max())} ({latencies.Count} receipts of {doubledUpdates} updates built in {doubledListenSeconds} s, " +
                $"{doubled.Count(r => !r.Stamped)} timed at the handler); to each SignalR handler's run in the {2 * subscribers}-client driver: p99 {Stats.Ms(Stats.Percentile(doubled.Select(r => (r.HandledAt - r.BuiltAt).TotalMilliseconds).ToList(), 99))}",
                $"p99 ≤ {DoubledBudgetMs:0} ms", $"the same run's {subscribers}: p99 {Stats.Ms(Stats.Percentile(shipRoomLatencies, 99))}", p99 <= DoubledBudgetMs));
        }

        // --- poll CPU -------------------------------------------------------------------------------------------------
        if (serverPid <= 0)
        {
            Print(BenchRow.NotMeasured("poll CPU", "≤ 5 ms per steady poll", "no --server-pid"));
            Print(BenchRow.NotMeasured("storage per poll", StorageBudget, "no --server-pid: the poll CPU window reads it"));
        }
        else
        {
            var perSecond = new List<double>();
            var (segments, windowStart) = await PollCpuWindow.MeasureAsync(url, serverPid, clkTck, cpuStart, TimeSpan.FromSeconds(cpuSeconds), perSecond, ct);
            Log($"poll CPU window, the server's CPU ms each second from {windowStart:HH:mm:ss} ([bursts]): {PollCpuWindow.Profile(windowStart, perSecond)}");
            var e = PollCpuWindow.Judge(segments);
            // The background JIT's CPU is left out (ThreadCpu): a server that has run for a while has compiled its
            // code, while in these minutes the runtime was still recompiling (tiered compilation promotes a method after
            // 30 calls, and the demo's polls call theirs every few seconds). What it was is said in the row.
            var figures = $"{e.AddedCpuMs:0} ms CPU in the {e.BurstSeconds:0} s of bursts beyond the quiet rate, over {e.AddedPolls:0.0} polls beyond the quiet rate " +
                          $"({e.BurstCpuMs:0} ms and {e.BurstPolls:0} polls in the bursts; the background JIT's CPU left out: {e.JitMs:0} ms in the window; " +
                          $"beyond the quiet rate, per poll: {Stats.Ms(e.GcPausePerPollMs)} of garbage-collector pauses, {e.AllocatedPerPoll / 1024:N0} KB allocated; " +
                          $"synthetic probe runs: {e.BurstProbeRuns:0} in the bursts, {e.QuietProbeRuns:0} between them)";
            var quietText = $"the same window's {e.QuietSeconds:0} s between the bursts (the demo, timers, everything but the {live.Count} rollouts' polls): " +
                            $"{e.QuietCpuPerSecond:0.0} ms CPU per second besides the background JIT, {e.QuietPollsPerSecond * 60:0.0} polls a minute";
            if (!e.Usable(live.Count, cpuSeconds / 60))
            {
                // Fewer polls than half the rollouts' one a minute in the bursts, or less CPU there than between them:
                // the window did not hold what it should, and a quotient of them would pass or fail by accident.
                Print(BenchRow.NotMeasured("poll CPU", "≤ 5 ms per steady poll", $"window unusable: {figures}; {quietText}"));
                Print(BenchRow.NotMeasured("storage per poll", StorageBudget, "the poll CPU window it is read in was unusable"));
            }
            else
            {
                // No hub client or dashboard watches these rollouts: the figure is an unwatched poll's. The whole
                // process's figure (demo, timers, scheduler, JIT included) is printed beside it.
                Print(new BenchRow($"poll CPU ({live.Count} rollouts + the demo, {cpuSeconds} s)",
                    $"{Stats.Ms(e.PerPollMs)} server CPU per poll of the {live.Count} rollouts ({figures}); " +
                    $"the whole process: {Stats.Ms(e.WholeCpuMs / e.WholePolls)} per poll ({e.WholeCpuMs:0} ms CPU over {e.WholePolls:0} polls: hub, demo, timers, scheduler, JIT, everything in the window); " +
                    $"mean shiproom_poll_duration_seconds {Stats.Ms(e.WholePollSeconds * 1000 / e.WholePolls)}, a whole poll from reading to publishing, wall clock",
                    $"≤ {PollCpuBudgetMs:0} ms per steady poll", quietText, e.PerPollMs <= PollCpuBudgetMs));
                Print(StorageRow(e, live.Count));
            }
        }

        Print(new BenchRow($"first polls of {live.Count} new rollouts", backfillText, "none in issue 21 (its poll capacity row: ≥ 1,000 young rollouts per 5 s tick)", "—", Passed: true) { Informational = true });

        foreach (var row in tabRows)
        {
            Print(row);
        }

        if (options.Get("markdown") is { } markdown)
        {
            await File.AppendAllLinesAsync(markdown, rows.Select(r => r.MarkdownRow), ct);
        }

        return 0;
    }

    /// <summary>
    /// Issue 21's storage row: each poll's own statements besides the sample writes and connections opened, tallied in
    /// its flow by the server and summed over the poll CPU window's polls (the demo's among them), so nothing the server
    /// ran beside the polls is in it; the whole server's rates are printed beside it. Statements are counted by SQLite's
    /// own trace (bench.sh turns ShipRoom:Storage:CountStatements on; its callback's cost is inside the poll CPU figure);
    /// on PostgreSQL none are, and the row is judged on the connections alone.
    /// </summary>
    private static BenchRow StorageRow(PollCpuWindow.Estimate e, int rollouts)
    {
        var c = e.Counted;
        var counted = c.Statements > 0;
        var seconds = e.QuietSeconds + e.BurstSeconds;
        var measured = (counted ? $"{e.StatementsPerPoll:0.0} statements besides the sample writes and " : "statements not counted (SQLite's trace only); ") +
                       $"{e.ConnectionsOpenedPerPoll:0.00} connections opened per poll (each poll's own, tallied in its flow, over the window's {c.Polls:0} polls: " +
                       (counted ? $"{c.PollStatements:0} statements, {c.PollSampleWrites:0} sample writes ({e.SampleWritesPerPoll:0.0} a poll, up to 400 samples a statement), " : "") +
                       $"{c.PollConnectionsOpened:0} opens)";
        var server = $"the whole server in the same {seconds:0} s: " + (counted ? $"{c.Statements / seconds:0.0} statements and " : "") +
                     $"{c.ConnectionsOpened / seconds:0.0} connections opened a second (polls, {c.ProbeRuns:0} probe runs, the outbox, the heartbeat, the API)";
        var passed = (!counted || e.StatementsPerPoll <= StatementBudget) && e.ConnectionsOpenedPerPoll <= ConnectionBudget;
        return new BenchRow($"storage per poll ({rollouts} rollouts + the demo)", measured, StorageBudget, server, passed);
    }

    private static readonly string StorageBudget = $"≤ {StatementBudget} statements and ≤ {ConnectionBudget} connection opens per poll, besides the sample write";

    private const int StatementBudget = 15;

    private const int ConnectionBudget = 3;

    /// <summary>
    /// As many clients again join the rollout that <paramref name="swarm"/> watches; after 2 s to settle, every update
    /// built in the next <paramref name="seconds"/> is timed to all of them (each update's receipts whole: 2 s more are
    /// waited for the last one's, and an update built before the window, whose receipts a clear would cut, is left out).
    /// The first update to the connections just made is timed: cold, it errs high. The driver's timelines do not run in
    /// this window, and every client waits behind all the others in one process.
    /// </summary>
    private static async Task<(List<HubSwarm.Received> Receipts, int Updates, string? NotMeasured)> ListenDoubledAsync(
        HubSwarm swarm, Uri hub, int subscribers, string? token, long demo, int seconds, Action<string> log, CancellationToken ct)
    {
        HubSwarm more;
        try
        {
            more = await ConnectLoggedAsync(hub, subscribers, token, HubSwarm.SubscribeTo(demo), log, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return ([], 0, $"the {subscribers} more clients did not all connect: {exception.Message}");
        }

        List<HubSwarm.Received> receipts;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            swarm.Clear();
            more.Clear();
            var from = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(seconds), ct);
            var until = DateTimeOffset.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            receipts = swarm.All.Concat(more.All).Where(r => r.BuiltAt >= from && r.BuiltAt <= until).ToList();
            var clients = swarm.Connected + more.Connected;
            var partial = receipts.GroupBy(r => r.Sequence).Where(g => g.Count() < clients).Select(g => $"#{g.Key} {g.Count()}").ToList();
            log($"ShipRoom hub, {clients} clients, builtAt → first / median / last receipt of each update built in the {seconds} s (ms): {HubSwarm.Spread(receipts)}; " +
                $"at the handler: {HubSwarm.HandlerSpread(receipts)}; handlers with no note from their socket: {receipts.Count(r => !r.Stamped)}; notes no handler took: {swarm.SpareNotes + more.SpareNotes}; " +
                $"updates not received by every client: {(partial.Count == 0 ? "none" : string.Join(", ", partial))}");
        }
        finally
        {
            var closing = Stopwatch.StartNew();
            await more.DisposeAsync();
            log($"the {more.Connected} more clients closed in {closing.Elapsed.TotalSeconds:0.0} s");
        }

        return (receipts, receipts.Select(r => r.Sequence).Distinct().Count(), null);
    }

    private static async Task<HubSwarm> ConnectLoggedAsync(Uri hub, int clients, string? token, Func<HubConnection, Task>? afterConnect, Action<string> log, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var swarm = await HubSwarm.ConnectAsync(hub, clients, token, afterConnect, ct);
        log($"{swarm.Connected} clients connected to {hub.AbsolutePath} in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return swarm;
    }

    private static async Task WaitReadyAsync(Uri url, TimeSpan wait, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/ready", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{url}ready did not answer 200 within {wait.TotalSeconds:0} s");
            }

            await Task.Delay(500, ct);
        }
    }

    /// <summary>The rollback row, run in the deploy system's process (<see cref="RollbackTiming"/>); its lines logged here.</summary>
    private static async Task<BenchRow> RollbacksAsync(HttpClient? deploySystem, RollbackTiming.Request request, CancellationToken ct)
    {
        var budget = RollbackTiming.Budget;
        if (deploySystem is null)
        {
            return BenchRow.NotMeasured(RollbackTiming.Name, budget, "no --deploy-system-url (the rollbacks run in the deploy system's process)");
        }

        try
        {
            using var response = await deploySystem.PostAsJsonAsync("/bench/rollbacks", request, ct);
            if (!response.IsSuccessStatusCode)
            {
                return BenchRow.NotMeasured(RollbackTiming.Name, budget, $"the deploy system's process answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }

            var result = (await response.Content.ReadFromJsonAsync<RollbackTiming.Result>(ct))!;
            // Each line carries the deploy system's own time: no second stamp of when it was printed here.
            foreach (var line in result.Log)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return result.Row;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return BenchRow.NotMeasured(RollbackTiming.Name, budget, $"the deploy system's process at {deploySystem.BaseAddress} was not reached or did not answer: {exception.Message}");
        }
    }

    /// <summary>
    /// Waits until the rollouts just created have had their first poll (each back-fills an hour of minutes): ShipRoom's
    /// poll counter has grown by their number and the last one's snapshot has a poll time.
    /// </summary>

    private static async Task<string> WaitForFirstPollsAsync(ShipRoomSession session, Uri url, List<long> created, double pollsBefore, Stopwatch sinceCreate, TimeSpan wait, CancellationToken ct)
    {
        if (created.Count == 0)
        {
            return "no rollouts created: no back-fill to wait for";
        }

        var until = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < until)
        {
            var polls = (await ServerCounters.ReadAsync(url, ct)).Polls;
            if (polls - pollsBefore >= created.Count)
            {
                var last = await session.Api.GetFromJsonAsync<JsonElement>($"/api/rollouts/{created[^1]}", ct);
                if (last.TryGetProperty("poll", out var poll) && poll.TryGetProperty("lastPollAt", out var at) && at.ValueKind == JsonValueKind.String)
                {
                    return $"first polls (an hour of back-fill each) of {created.Count} new rollouts done {sinceCreate.Elapsed.TotalSeconds:0.0} s after the first was created ({polls - pollsBefore:0} polls counted)";
                }
            }

            await Task.Delay(1000, ct);
        }

        return $"first polls of {created.Count} new rollouts NOT all done after {wait.TotalSeconds:0} s (the figures after this include back-fills)";
    }
}
