using System.Diagnostics;
using System.Globalization;
using ShipRoom.E2E;
using PlaywrightCookie = Microsoft.Playwright.Cookie;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Issue 21's rows that need open dashboards: N signed-in Chromium tabs on the demo rollout's dashboard. In order:
/// W warm-up dashboard tabs (at least 20), open through one update and closed; the server's managed heap (after an induced full GC)
/// and RSS with no tab open; its CPU over K demo updates with no tab open (the bare Blazor page's memory is measured
/// meanwhile, in its own process); the sign-in page's load in fresh tabs; N dashboard tabs opened one after another,
/// each timed to interactive; the server's CPU and the tabs' /_blazor bytes over K updates with all N open; the heap
/// and RSS again; every tab closed and the heap once more (logged: the circuits must be gone). Updates are counted by
/// one SignalR client subscribed to the demo rollout. Every figure per open dashboard is (with N − with 0) / N; for the
/// heap, "with 0" is read right after the N tabs closed, once the server counts no circuit; for RSS (which a process
/// seldom gives back), at the end of the window with no tab open.
/// </summary>
public static class DashboardTabRows
{
    public const string TrafficRow = "Blazor render traffic per update per open dashboard";
    public const string MemoryRow = "memory per open dashboard";
    public const string CpuRow = "server CPU per update per open dashboard";
    public const string InteractiveRow = "time to interactive (dashboard)";

    public const string TrafficBudget = "≤ 10 KB (10,240 B)";
    public const string MemoryBudget = "≤ 1 MB heap, ≤ 3 MB RSS";
    public const string CpuBudget = "≤ 5 ms";
    public const string InteractiveBudget = "≤ 1.0 s on loopback (judged on the p50)";

    private const long TrafficBudgetBytes = 10 * 1024;
    private const long HeapBudgetBytes = 1024 * 1024;
    private const long RssBudgetBytes = 3 * 1024 * 1024;
    private const double CpuBudgetMs = 5;
    private const double InteractiveBudgetMs = 1000;

    private static readonly TimeSpan TabWait = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan UpdateWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BarePageSettle = TimeSpan.FromSeconds(20);

    // The dashboard is interactive when the layout says the circuit is live (MainLayout's data-interactive, what the E2E
    // tests wait for) and the live content is drawn: the gate board and every chart Plotly draws (.main-svg inside
    // each [data-chart], as the E2E chart tests wait for) exist, which needs the circuit's first render and its JS calls.
    private static readonly Dictionary<string, string> DashboardMarks = new(StringComparer.Ordinal)
    {
        ["circuit"] = "document.querySelector('main[data-interactive=\"true\"] .dashboard')",
        ["plotly"] = "window.Plotly",
        ["first chart"] = "document.querySelector('[data-chart] .main-svg')",
        ["interactive"] = "document.querySelector('main[data-interactive=\"true\"] .dashboard [data-gate]') && document.querySelectorAll('[data-chart]').length > 0 && Array.from(document.querySelectorAll('[data-chart]')).every(c => c.querySelector('.main-svg'))",
    };

    private static readonly Dictionary<string, string> BarePageMarks = new(StringComparer.Ordinal)
    {
        ["interactive"] = "document.querySelector('main[data-interactive=\"true\"]')",
    };

    /// <summary>
    /// Dashboards the server opens before it is measured, whatever the number measured: with profile-guided tiering (the
    /// runtime's default) the JIT was still compiling while 5 measured tabs opened after 5 warm-up tabs (their RSS read
    /// 7.09 MB per tab), and was done after 20 (20 measured tabs read 1.14–1.80 MB; docs/benchmarks.md, ninth round).
    /// </summary>
    public const int SteadyWarmUpTabs = 20;

    private const int WarmUpTogether = 4;

    public sealed record Settings(int Tabs, int WarmUpTabs, int UpdatesPerWindow, int ServerPid, int ClkTck, Uri? BarePageUrl, int BarePagePid);

    /// <summary>The live heap at the start and end of the window with no tab open, and how long apart.</summary>
    private readonly record struct IdleHeap(long Before, long After, TimeSpan Over);

    /// <summary>What the window held; <see cref="PerUpdate"/> is each update's share of the bytes (those after it, until 2.5 s after the next) and whether it changed the phase.</summary>
    private readonly record struct Window(double CpuMs, double TickMs, double JitMs, int Updates, double Polls, long BlazorBytes, long Frames, double Seconds, IReadOnlyDictionary<string, long> BytesByKind,
        IReadOnlyList<(long Bytes, bool PhaseChanged)> PerUpdate, IReadOnlyList<(string Name, double Ms)> ByThread)
    {
        /// <summary>
        /// Said in the log when the threads' sum reads more than two ticks below the process's ticks: a thread's time
        /// after its last reading was lost, and the window's CPU reads low.
        /// </summary>
        public string TicksCheck => TickMs - CpuMs > 20 ? $"; WARNING: the threads' sum is {TickMs - CpuMs:0} ms below the process's ticks" : "";

        /// <summary>The window's CPU by thread name, for the log: where the milliseconds a tab adds land.</summary>
        public string ThreadsText => string.Join(", ", ByThread.Select(t => $"{t.Name.Trim()} {t.Ms:0.0}"));
    }

    public static async Task<IReadOnlyList<BenchRow>> MeasureAsync(ShipRoomSession session, long demo, Settings settings, Action<string> log, CancellationToken ct)
    {
        var n = settings.Tabs;
        var dashboard = new Uri(session.BaseAddress, $"/rollouts/{demo}");
        var cookies = session.SessionCookies.Select(c => new PlaywrightCookie { Name = c.Name, Value = c.Value, Url = session.BaseAddress.GetLeftPart(UriPartial.Authority) }).ToList();
        if (!File.Exists(BrowserFixture.ChromiumPath))
        {
            return NotMeasuredAll($"{BrowserFixture.ChromiumPath} is missing (apt-get install -y chromium)");
        }

        await using var updates = await HubSwarm.ConnectAsync(new Uri(session.BaseAddress, "/hubs/rollouts"), 1, session.Token, HubSwarm.SubscribeTo(demo), ct);
        var launched = Stopwatch.StartNew();
        await using var tabs = await DashboardTabs.LaunchAsync();
        log($"tabs: Chromium launched in {launched.Elapsed.TotalSeconds:0.0} s; {n} tabs, CPU windows of {settings.UpdatesPerWindow} demo updates");

        // Warm-up: W dashboard tabs (as many as are measured, and at least 20), opened the same way, kept open through
        // one demo update, then closed. The server's first dashboards (its render paths compiled, then compiled again by
        // tiered compilation once called often enough; caches filled once) are then no measured tab's cost, as on a
        // server that has run.
        // One warm-up tab was not enough: while the 5 measured tabs of a quick run opened, the JIT compiled about 6,800
        // methods and RSS grew 16 MB that stayed, about 3 MB of each tab's figure (docs/benchmarks.md, eighth round).
        try
        {
            // Four at a time: the server compiles and fills its caches the same, and the quick run stays under five
            // minutes (20 warm-up tabs one after another were 56 s of a 324 s run, two at a time 46 s of 302 s).
            var warmed = new List<double>();
            for (var i = 0; i < settings.WarmUpTabs; i += WarmUpTogether)
            {
                var group = Enumerable.Range(i, Math.Min(WarmUpTogether, settings.WarmUpTabs - i)).Select(_ => tabs.OpenAsync(dashboard, cookies, DashboardMarks, TabWait));
                warmed.AddRange((await Task.WhenAll(group)).Select(marks => marks["interactive"]));
            }

            await NextUpdateAsync(updates, updates.All.Count + 1, ct);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            await tabs.CloseTabsAsync();
            log($"tabs: warm-up: {settings.WarmUpTabs} dashboard tabs (the server's first, {WarmUpTogether} at a time) interactive at {string.Join(", ", warmed.Select(t => Stats.Ms(t)))}, kept through one update, closed");
        }
        catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
        {
            await tabs.CloseTabsAsync();
            return NotMeasuredAll($"a warm-up dashboard tab was not interactive within {TabWait.TotalSeconds:0} s: {FirstLine(exception.Message)}");
        }

        // --- nothing open ---------------------------------------------------------------------------------------------
        var heap0 = settings.ServerPid > 0 ? await GcHeap.CollectTwiceAsync(settings.ServerPid, ct) : (GcHeap.Collected?)null;
        var heap0At = Stopwatch.GetTimestamp();
        var rss0 = settings.ServerPid > 0 ? ProcFs.RssBytes(settings.ServerPid) : 0;
        var committed0 = settings.ServerPid > 0 ? (await ServerCounters.ReadAsync(session.BaseAddress, ct)).GcCommittedBytes : 0;
        log(heap0 is { } h0 ? $"tabs: 0 open: heap {Stats.Bytes(h0.LiveBytes)} live ({Stats.Bytes(h0.HeapBytes)} with free space; GC {h0.Reason}), RSS {Stats.Bytes(rss0)}" : "tabs: no --server-pid: no memory or CPU figures");

        // The bare page runs in its own process, so measuring it here leaves ShipRoom's CPU time alone.
        var zeroTask = WindowAsync(session.BaseAddress, updates, tabs, settings, ct);
        string bareText;
        try
        {
            bareText = await BarePageBaselineAsync(tabs, settings, log, ct);
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            // A baseline that broke is said in its cell; the rows themselves go on.
            bareText = $"bare Blazor page not measured: {exception.GetType().Name}: {FirstLine(exception.Message)}";
            log($"tabs: {bareText}");
            await tabs.CloseTabsAsync();
        }

        var zero = await zeroTask;
        log($"tabs: 0 open: {zero.CpuMs:0} ms CPU ({zero.JitMs:0} of it the background JIT; the process's ticks read {zero.TickMs:0}) over {zero.Updates} updates ({zero.Polls:0} polls) in {zero.Seconds:0.0} s; by thread (ms): {zero.ThreadsText}{zero.TicksCheck}");

        // The heap and RSS again at the end of the window with no tab: RSS's baseline, and the heap's figure the memory
        // row says beside its own. With nobody watching the heap still moves: the demo's series grow, and what the
        // warm-up tabs left behind is let go. After one warm-up tab it read 2.2–2.5 MB less 40 s later, after 5 or 20
        // warm-up tabs 2.6–4.5 MB less 40–70 s later (MB of 1,048,576 B): mostly pooled buffers (twelfth round).
        var idle = heap0 is { } start && settings.ServerPid > 0
            ? new IdleHeap(start.LiveBytes, (await GcHeap.CollectTwiceAsync(settings.ServerPid, ct)).LiveBytes, Stopwatch.GetElapsedTime(heap0At))
            : (IdleHeap?)null;
        if (idle is { } i0)
        {
            rss0 = ProcFs.RssBytes(settings.ServerPid);
            committed0 = (await ServerCounters.ReadAsync(session.BaseAddress, ct)).GcCommittedBytes;
            log($"tabs: 0 open: heap {Stats.Bytes(i0.Before)} → {Stats.Bytes(i0.After)} live over {i0.Over.TotalSeconds:0.0} s with no tab, RSS {Stats.Bytes(rss0)} (the GC's committed memory at its latest collection {Stats.Bytes(committed0)})");
        }

        // --- the sign-in page, the baseline for time to interactive -------------------------------------------------
        var signIn = new List<double>();
        for (var i = 0; i < n; i++)
        {
            signIn.Add(await tabs.TimeLoadAsync(new Uri(session.BaseAddress, "/login"), TabWait));
        }

        log($"tabs: sign-in page load event {string.Join(", ", signIn.Select(t => Stats.Ms(t)))}");

        // --- N dashboards, one after another --------------------------------------------------------------------------
        var circuit = new List<double>();
        var interactive = new List<double>();
        string? openFailed = null;
        for (var i = 0; i < n && openFailed is null; i++)
        {
            try
            {
                var marks = await tabs.OpenAsync(dashboard, cookies, DashboardMarks, TabWait);
                circuit.Add(marks["circuit"]);
                interactive.Add(marks["interactive"]);
                log($"tabs: dashboard tab {i + 1}: circuit live at {Stats.Ms(marks["circuit"])}, Plotly loaded at {Stats.Ms(marks["plotly"])}, first chart at {Stats.Ms(marks["first chart"])}, interactive at {Stats.Ms(marks["interactive"])}");
            }
            catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
            {
                openFailed = $"dashboard tab {i + 1} not interactive within {TabWait.TotalSeconds:0} s: {FirstLine(exception.Message)}";
                log($"tabs: {openFailed}");
            }
        }

        var rows = new List<BenchRow>();
        var signInText = $"sign-in page in a fresh tab, navigation start → load event: p50 {Stats.Ms(Stats.Percentile(signIn, 50))}, max {Stats.Ms(signIn.Max())} ({signIn.Count} tabs)";
        if (openFailed is not null)
        {
            await tabs.CloseTabsAsync();
            return NotMeasuredAll(openFailed);
        }

        // --- N dashboards open ----------------------------------------------------------------------------------------
        var open = await WindowAsync(session.BaseAddress, updates, tabs, settings, ct);
        log($"tabs: {tabs.Open} open: {open.CpuMs:0} ms CPU ({open.JitMs:0} of it the background JIT; the process's ticks read {open.TickMs:0}) over {open.Updates} updates ({open.Polls:0} polls) in {open.Seconds:0.0} s; by thread (ms): {open.ThreadsText}{open.TicksCheck}; /_blazor {open.BlazorBytes:N0} B in {open.Frames} frames ({string.Join(", ", open.BytesByKind.Select(k => $"{k.Key} {k.Value:N0} B"))})");
        var heapN = settings.ServerPid > 0 ? await GcHeap.CollectTwiceAsync(settings.ServerPid, ct) : (GcHeap.Collected?)null;
        var rssN = settings.ServerPid > 0 ? ProcFs.RssBytes(settings.ServerPid) : 0;
        var committedN = settings.ServerPid > 0 ? (await ServerCounters.ReadAsync(session.BaseAddress, ct)).GcCommittedBytes : 0;
        log(heapN is { } hn ? $"tabs: {tabs.Open} open: heap {Stats.Bytes(hn.LiveBytes)} live ({Stats.Bytes(hn.HeapBytes)} with free space; GC {hn.Reason}), RSS {Stats.Bytes(rssN)} (the GC's committed memory at its latest collection {Stats.Bytes(committedN)})" : "tabs: no memory figures");
        await tabs.CloseTabsAsync();
        var circuitsLeft = await CircuitsGoneAsync(session.BaseAddress, ct);
        var heapClosed = (GcHeap.Collected?)null;
        if (settings.ServerPid > 0)
        {
            // The rows after these run with the tabs closed: their circuits must be gone (the server's count says so), not
            // kept as disconnected ones still rendering every update. This heap is also the memory row's baseline.
            heapClosed = await GcHeap.CollectTwiceAsync(settings.ServerPid, ct);
            log($"tabs: all closed, {circuitsLeft} circuits left: heap {Stats.Bytes(heapClosed.Value.LiveBytes)} live, RSS {Stats.Bytes(ProcFs.RssBytes(settings.ServerPid))}");
        }

        // Render traffic.
        if (open.Updates == 0)
        {
            rows.Add(BenchRow.NotMeasured(TrafficRow, TrafficBudget, $"no demo update in the window with {n} tabs open"));
        }
        else
        {
            var perTab = (double)open.BlazorBytes / open.Updates / n;
            rows.Add(new BenchRow($"{TrafficRow} ({n} tabs)",
                $"{Stats.Bytes(perTab)} per update per tab ({open.BlazorBytes:N0} B over /_blazor to {n} tabs for {open.Updates} demo updates in {open.Seconds:0.0} s: " +
                $"{string.Join(", ", open.BytesByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value:N0} B"))}; WebSocket payloads after decompression" +
                $"{PhaseChanges(open.PerUpdate, n)})",
                TrafficBudget, "—", perTab <= TrafficBudgetBytes));
        }

        // Memory.
        if (heap0 is not { } before || heapN is not { } after)
        {
            rows.Add(BenchRow.NotMeasured(MemoryRow, MemoryBudget, "no --server-pid"));
        }
        else
        {
            // What each open dashboard holds is read against the heap right after the N tabs closed, their circuits
            // gone: both readings hold what the server keeps for a while after any traffic (the runtime's and Kestrel's
            // pooled buffers, released about a minute after their last use), which the reading with no tab 40–70 s after
            // the warm-up does not. That difference comes once, whatever the number of tabs (docs/benchmarks.md,
            // twelfth round), and is said beside the figure. If a circuit was still held, that baseline would hide it:
            // the row then uses the reading with no tab.
            var idleBaseline = idle is { } both ? both.After : before.LiveBytes;
            var closedBaseline = circuitsLeft == 0 && heapClosed is { } c ? c.LiveBytes : (long?)null;
            var heapPerTab = (double)(after.LiveBytes - (closedBaseline ?? idleBaseline)) / n;
            var fromIdle = (double)(after.LiveBytes - idleBaseline) / n;
            var rssPerTab = (double)(rssN - rss0) / n;
            var heapText = closedBaseline is { } closedBytes
                ? $"live heap after an induced full GC {Stats.Bytes(after.LiveBytes)} with {n} open, {Stats.Bytes(closedBytes)} right after they closed (0 circuits left); " +
                  (idle is { } i1
                      ? $"against the reading with no tab {i1.Over.TotalSeconds:0} s after the warm-up ({Stats.Bytes(idleBaseline)}), when the pooled buffers had been let go, the figure would be {MegaBytes(fromIdle)} per tab"
                      : $"against the reading with no tab right after the warm-up ({Stats.Bytes(idleBaseline)}) the figure would be {MegaBytes(fromIdle)} per tab")
                : $"live heap after an induced full GC {Stats.Bytes(idleBaseline)} with 0 tabs → {Stats.Bytes(after.LiveBytes)} with {n}; {circuitsLeft} circuits were still held after the tabs closed, so the reading right after is not the baseline";
            rows.Add(new BenchRow($"{MemoryRow} ({n} tabs)",
                $"{MegaBytes(heapPerTab)} managed heap, {MegaBytes(rssPerTab)} RSS per tab ({heapText}; RSS {Stats.Bytes(rss0)} with 0 tabs → {Stats.Bytes(rssN)} with {n}; " +
                $"the GC's committed memory at its latest collection {Stats.Bytes(committed0)} → {Stats.Bytes(committedN)}, {MegaBytes((double)(committedN - committed0) / n)} per tab)",
                MemoryBudget, bareText, heapPerTab <= HeapBudgetBytes && rssPerTab <= RssBudgetBytes));
        }

        // CPU.
        if (settings.ServerPid <= 0)
        {
            rows.Add(BenchRow.NotMeasured(CpuRow, CpuBudget, "no --server-pid"));
        }
        else if (zero.Updates == 0 || open.Updates == 0)
        {
            rows.Add(BenchRow.NotMeasured(CpuRow, CpuBudget, "no demo update in one of the CPU windows"));
        }
        else
        {
            // The background JIT's CPU is left out of both windows, as in the poll CPU row: the window with no tab comes
            // right after the warm-up tabs, while the runtime still recompiles the code they ran.
            var zeroPerUpdate = (zero.CpuMs - zero.JitMs) / zero.Updates;
            var openPerUpdate = (open.CpuMs - open.JitMs) / open.Updates;
            var perTab = (openPerUpdate - zeroPerUpdate) / n;
            var withJit = (open.CpuMs / open.Updates - zero.CpuMs / zero.Updates) / n;
            rows.Add(new BenchRow($"{CpuRow} ({n} tabs)",
                $"{Stats.Ms(perTab)} per update per tab (server process CPU per demo update besides the background JIT, its threads' time on a CPU: {Stats.Ms(openPerUpdate)} with {n} tabs ({open.CpuMs:0} ms over {open.Updates} updates, {open.JitMs:0} of it the background JIT), " +
                $"{Stats.Ms(zeroPerUpdate)} with none ({zero.CpuMs:0} ms over {zero.Updates}, {zero.JitMs:0} of it the background JIT); with it {Stats.Ms(withJit)} per update per tab; everything else the process did in those windows is in)",
                CpuBudget, "—", perTab <= CpuBudgetMs));
        }

        // Time to interactive.
        var p50 = Stats.Percentile(interactive, 50);
        rows.Add(new BenchRow($"{InteractiveRow} ({n} tabs)",
            $"navigation start → interactive p50 {Stats.Ms(p50)}, max {Stats.Ms(interactive.Max())}, first tab {Stats.Ms(interactive[0])} " +
            $"(circuit live p50 {Stats.Ms(Stats.Percentile(circuit, 50))}; interactive = data-interactive, the gate board and every chart drawn; " +
            $"{n} fresh signed-in tabs opened one after another, the earlier ones still open)",
            InteractiveBudget, signInText, p50 <= InteractiveBudgetMs));
        return rows;
    }

    /// <summary>Waits up to 10 s for the server to count no circuit (closed tabs' circuits are disposed when their beacon arrives); the number left.</summary>
    private static async Task<long> CircuitsGoneAsync(Uri server, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        long left;
        while ((left = (await ServerCounters.ReadAsync(server, ct)).Circuits) > 0 && DateTime.UtcNow < until)
        {
            await Task.Delay(200, ct);
        }

        return left;
    }

    /// <summary>
    /// The demo advances by itself when a phase's window has passed, and an advance renders what the phase changes (the
    /// gate board's rows, the phase, the timeline): when one falls in the window, what it and the other updates cost is
    /// said apart. The figure is judged on every update in the window all the same.
    /// </summary>
    private static string PhaseChanges(IReadOnlyList<(long Bytes, bool PhaseChanged)> perUpdate, int tabs)
    {
        var changes = perUpdate.Select((u, i) => (u.Bytes, u.PhaseChanged, Index: i + 1)).Where(u => u.PhaseChanged).ToList();
        if (changes.Count == 0 || changes.Count == perUpdate.Count)
        {
            return changes.Count == 0 ? "; no update in the window changed the phase" : "";
        }

        var others = perUpdate.Where(u => !u.PhaseChanged).ToList();
        return $"; update {string.Join(" and ", changes.Select(c => c.Index))} of {perUpdate.Count} changed the phase: {string.Join(", ", changes.Select(c => Stats.Bytes((double)c.Bytes / tabs)))} per tab; " +
               $"the other {others.Count}: {Stats.Bytes((double)others.Sum(u => u.Bytes) / others.Count / tabs)} per update per tab";
    }

    /// <summary>The four rows, each not measured for <paramref name="why"/>.</summary>
    public static IReadOnlyList<BenchRow> NotMeasuredAll(string why) =>
    [
        BenchRow.NotMeasured(TrafficRow, TrafficBudget, why),
        BenchRow.NotMeasured(MemoryRow, MemoryBudget, why),
        BenchRow.NotMeasured(CpuRow, CpuBudget, why),
        BenchRow.NotMeasured(InteractiveRow, InteractiveBudget, why),
    ];

    /// <summary>
    /// From 2.5 s after one demo update to 2.5 s after the K-th next one (so the window holds K whole update periods,
    /// each update's render traffic inside it): the server's CPU time, the updates and the tabs' /_blazor bytes.
    /// </summary>
    private static async Task<Window> WindowAsync(Uri server, HubSwarm updates, DashboardTabs tabs, Settings settings, CancellationToken ct)
    {
        var settle = TimeSpan.FromSeconds(2.5);
        await NextUpdateAsync(updates, updates.All.Count + 1, ct);
        await Task.Delay(settle, ct);
        var count0 = updates.All.Count;
        var counters0 = await ServerCounters.ReadAsync(server, ct);
        // The window's CPU is its threads' time on a CPU in nanoseconds (ThreadCpu), not the process's 10 ms ticks: with
        // 5 tabs over 3 updates one tick was 0.67 ms of the per-tab figure. The ticks are kept for the log.
        await using var threads = ThreadCpu.Start(settings.ServerPid, settings.ClkTck);
        var ticks0 = settings.ServerPid > 0 ? ProcFs.CpuMilliseconds(settings.ServerPid, settings.ClkTck) : 0;
        var (bytes0, frames0, kinds0) = (tabs.BlazorBytes, tabs.BlazorFrames, tabs.BlazorBytesByKind);
        var started = Stopwatch.StartNew();
        var perUpdate = new List<(long, bool)>();
        var bytesBefore = bytes0;
        for (var i = 1; i <= settings.UpdatesPerWindow; i++)
        {
            await NextUpdateAsync(updates, count0 + i, ct);
            await Task.Delay(settle, ct);
            var bytesNow = tabs.BlazorBytes;
            perUpdate.Add((bytesNow - bytesBefore, updates.All.ElementAt(count0 + i - 1).PhaseChanged));
            bytesBefore = bytesNow;
        }

        var ticks1 = settings.ServerPid > 0 ? ProcFs.CpuMilliseconds(settings.ServerPid, settings.ClkTck) : 0;
        var reading = await threads.StopAsync();
        var during = (await ServerCounters.ReadAsync(server, ct)).Since(counters0);
        var (bytes1, frames1, kinds1) = (tabs.BlazorBytes, tabs.BlazorFrames, tabs.BlazorBytesByKind);
        var kinds = kinds1.ToDictionary(k => k.Key, k => k.Value - kinds0.GetValueOrDefault(k.Key), StringComparer.Ordinal);
        return new Window(reading.AllMs, ticks1 - ticks0, reading.JitMs, updates.All.Count - count0, during.Polls, bytes1 - bytes0, frames1 - frames0, started.Elapsed.TotalSeconds, kinds, perUpdate, reading.ByName);
    }

    /// <summary>Waits until the subscribed client has received <paramref name="count"/> updates in all, at most a minute per missing update.</summary>
    private static async Task NextUpdateAsync(HubSwarm updates, int count, CancellationToken ct)
    {
        var until = DateTime.UtcNow + UpdateWait * Math.Max(1, count - updates.All.Count);
        while (updates.All.Count < count)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"the demo rollout sent {updates.All.Count} of {count} updates in time");
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>The memory row's baseline: the same N tabs on the bare Blazor page, its process measured as the dashboard's is.</summary>
    private static async Task<string> BarePageBaselineAsync(DashboardTabs tabs, Settings settings, Action<string> log, CancellationToken ct)
    {
        if (settings.BarePageUrl is not { } url || settings.BarePagePid <= 0)
        {
            return "bare Blazor page not measured (no --barepage-url and --barepage-pid)";
        }

        var n = settings.Tabs;

        // The same warm-up as the dashboard's: the process's first W circuits are no measured tab's cost. Its RSS baseline
        // is read a while after they closed, as the dashboard's is (at the end of the window with no tab), and its heap
        // figure against the heap 1 s after the N tabs closed (the page has no circuit count to wait for). This runs
        // beside the dashboard's window with no tab, so the wait costs no time of its own.
        for (var i = 0; i < settings.WarmUpTabs; i++)
        {
            await tabs.OpenAsync(url, [], BarePageMarks, TabWait);
        }

        await tabs.CloseTabsAsync();
        await Task.Delay(BarePageSettle, ct);
        var before = await GcHeap.CollectTwiceAsync(settings.BarePagePid, ct);
        var rssBefore = ProcFs.RssBytes(settings.BarePagePid);
        var opened = 0;
        try
        {
            for (; opened < n; opened++)
            {
                await tabs.OpenAsync(url, [], BarePageMarks, TabWait);
            }
        }
        catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException)
        {
            await tabs.CloseTabsAsync();
            return $"bare Blazor page not measured: tab {opened + 1} not interactive within {TabWait.TotalSeconds:0} s ({FirstLine(exception.Message)})";
        }

        var after = await GcHeap.CollectTwiceAsync(settings.BarePagePid, ct);
        var rssAfter = ProcFs.RssBytes(settings.BarePagePid);
        await tabs.CloseTabsAsync();
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var closed = await GcHeap.CollectTwiceAsync(settings.BarePagePid, ct);
        var text = $"bare Blazor page (its own process, same {n} tabs and warm-up; heap against the reading 1 s after they closed): {MegaBytes((double)(after.LiveBytes - closed.LiveBytes) / n)} heap, " +
                   $"{MegaBytes((double)(rssAfter - rssBefore) / n)} RSS per tab (heap {Stats.Bytes(after.LiveBytes)} with {n} open, {Stats.Bytes(closed.LiveBytes)} right after they closed, " +
                   $"{Stats.Bytes(before.LiveBytes)} {BarePageSettle.TotalSeconds:0} s after the warm-up tabs closed; RSS {Stats.Bytes(rssBefore)} → {Stats.Bytes(rssAfter)})";
        log($"tabs: {text}");
        return text;
    }

    private static string MegaBytes(double bytes) => (bytes / (1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " MB";

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
