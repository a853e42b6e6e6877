using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ShipRoom.Web.Tests.Hosting;

namespace ShipRoom.E2E;

/// <summary>The executive's view: sign in, open the demo rollout, every panel there, values moving without a reload.</summary>
public sealed class DashboardTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly string[] Panels = ["Latency", "Errors", "Payments", "Cache", "Database", "Infrastructure", "Unit economics", "Funnels"];

    private readonly ShipRoomAppFactory _app = new(new Dictionary<string, string?>
    {
        ["ShipRoom:Demo:Enabled"] = "true",
        ["ShipRoom:Demo:TimeFactor"] = "30",
        ["ShipRoom:Polling:SchedulerTick"] = "00:00:01",
    }, useKestrel: true);

    private IBrowserContext _context = null!;

    public async ValueTask InitializeAsync() =>
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _app.ServerAddress.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, TimezoneId = "Europe/Berlin" });

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _app.DisposeAsync();
    }

    private async Task<IPage> SignInAsync()
    {
        var page = await _context.NewPageAsync();
        await E2ESteps.SignInAsAdminAsync(page);
        return page;
    }

    /// <summary>
    /// Charts get the new points only (appended by js/metric-chart.js, drawn by one Plotly.react), so what Plotly holds in the browser after several live
    /// updates is checked against the server's snapshot: same number of points, same newest point, in both cohorts.
    /// The bytes the Blazor connection received per update are printed for docs/benchmarks.md.
    /// </summary>
    [Fact]
    public async Task Charts_extended_point_by_point_show_the_same_points_as_the_snapshot()
    {
        var page = await SignInAsync();
        long received = 0;
        var frames = new System.Collections.Concurrent.ConcurrentQueue<(int Bytes, string Start)>();
        BlazorFrames.OnMessages(page, (length, text) =>
        {
            Interlocked.Add(ref received, length);
            // A frame can carry several messages (a chart's new points sent during the render, then the render batch): each is counted as what it is.
            frames.Enqueue((length, new string(text.Where(c => !char.IsControl(c)).Take(160).ToArray())));
        });
        await page.ReloadAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-chart='p95_latency_ms'] .main-svg").First.WaitForAsync(new() { Timeout = 30_000 });
        var id = long.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        var store = _app.Services.GetRequiredService<ShipRoom.Web.Live.RolloutSnapshotStore>();
        const string Drawn = "() => { const d = document.getElementById('chart-p95_latency_ms').data; return [0, 1].map(i => [d[i].x.length, String(d[i].x[d[i].x.length - 1]), Number(d[i].y[d[i].y.length - 1])]); }";
        var first = await page.EvaluateAsync<System.Text.Json.JsonElement>(Drawn);

        // Let several updates arrive, then compare what Plotly holds with the server's snapshot once both stand still.
        await Task.Delay(TimeSpan.FromSeconds(8), Xunit.TestContext.Current.CancellationToken);
        var matched = false;
        for (var attempt = 0; attempt < 120 && !matched; attempt++)
        {
            var snapshot = store.Get(id)!;
            var metric = snapshot.Panels.SelectMany(p => p.Metrics).Single(m => m.Key == "p95_latency_ms");
            var drawn = await page.EvaluateAsync<System.Text.Json.JsonElement>(Drawn);
            matched = new[] { metric.ControlSeries, metric.CanarySeries }.Select((series, i) =>
                drawn[i][0].GetInt32() == series.Count
                && DateTime.Parse(drawn[i][1].GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal) == series[^1].Time.UtcDateTime
                && Math.Abs(drawn[i][2].GetDouble() - series[^1].Value) < 1e-9).All(x => x);
            if (!matched)
            {
                await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
            }
        }

        Assert.True(matched, "the chart in the browser does not hold the snapshot's points");
        // The points came in the dashboard's live values call (live-cells.js imports the charts' module by the same URL,
        // so both hold the same charts): the module was fetched once.
        Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/js/metric-chart')).length"));
        // The dashed limit is two points spanning the canary series, first point to last: the browser moves its ends with
        // each update (js/metric-chart.js), and it neither grows nor falls behind.
        Assert.Equal("2 true true", await page.EvaluateAsync<string>("() => { const d = document.getElementById('chart-p95_latency_ms').data; if (d.length < 3) return 'no limit line'; const c = d[1].x; return `${d[2].x.length} ${String(d[2].x[0]) === String(c[0])} ${String(d[2].x[1]) === String(c[c.length - 1])}`; }"));
        // The observation window's shading (the last shape, its end alone sent on each new point) ends at the newest point.
        const string Shading = "() => { const g = document.getElementById('chart-p95_latency_ms'); const s = g.layout.shapes || []; const last = s[s.length - 1]; const x = g.data[1].x; return last && last.type === 'rect' ? [String(last.x1), String(x[x.length - 1])] : null; }";
        // Read again (a few seconds at most) when an update came between the two reads.
        static DateTime Utc(string text) => DateTime.Parse(text.Replace(' ', 'T'), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        var shading = await page.EvaluateAsync<System.Text.Json.JsonElement>(Shading);
        for (var attempt = 0; attempt < 20 && shading.ValueKind != System.Text.Json.JsonValueKind.Null && Utc(shading[1].GetString()!) != Utc(shading[0].GetString()!); attempt++)
        {
            await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
            shading = await page.EvaluateAsync<System.Text.Json.JsonElement>(Shading);
        }

        if (shading.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            Assert.Equal(Utc(shading[1].GetString()!), Utc(shading[0].GetString()!));
        }

        Assert.NotEqual(first[1][1].GetString(), (await page.EvaluateAsync<System.Text.Json.JsonElement>(Drawn))[1][1].GetString());
        // Bytes the Blazor connection received per snapshot over a quiet window (no navigation, only live updates).
        var (bytes0, sequence0) = (Interlocked.Read(ref received), store.GetState(id)!.Sequence);
        frames.Clear();
        await Task.Delay(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        var updates = store.GetState(id)!.Sequence - sequence0;
        var kinds = frames.GroupBy(f => f.Start.Contains("RenderBatch", StringComparison.Ordinal) ? "render batches" : f.Start.Contains("update", StringComparison.Ordinal) ? "chart updates" : f.Start.Contains("draw", StringComparison.Ordinal) ? "chart draws" : f.Start.Contains("apply", StringComparison.Ordinal) ? "live cells" : "other")
            .Select(g => $"{g.Key} {g.Sum(f => f.Bytes)} B in {g.Count()} messages");
        Console.WriteLine($"blazor-bytes: {Interlocked.Read(ref received) - bytes0} B received over /_blazor for {updates} snapshot sequence steps in 10 s: {string.Join(", ", kinds)}");
        Assert.True(updates > 0);
        // No chart sends a call of its own once drawn: its points ride in the live values call (LivePatches). The frames
        // are MessagePack, the call's name a bare string in them (the classification above).
        Assert.DoesNotContain(frames, f => !f.Start.Contains("RenderBatch", StringComparison.Ordinal) && f.Start.Contains("update", StringComparison.Ordinal) && !f.Start.Contains("apply", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every chart is drawn when the dashboard opens, but after that Plotly draws a chart only where someone can see it
    /// (js/metric-chart.js): an update to a chart far below the screen is set in its data and drawn when it is scrolled to.
    /// </summary>
    [Fact]
    public async Task A_chart_below_the_screen_takes_updates_in_its_data_and_draws_them_when_scrolled_to()
    {
        var page = await SignInAsync();
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => { const c = document.querySelectorAll('[data-chart]'); return c.length > 0 && Array.from(c).every(x => x.querySelector('.main-svg')); }", null, new() { Timeout = 30_000 });
        await page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        // The last chart on the page, thousands of pixels below a 1,000 px screen: its newest canary point in its data
        // and in what Plotly last drew (_fullData).
        const string Newest = "() => { const charts = document.querySelectorAll('[data-plot] > div'); const g = charts[charts.length - 1]; const last = a => String(a[a.length - 1]); return [last(g.data[1].x), last(g._fullData[1].x), String(g.getBoundingClientRect().top > innerHeight * 2)]; }";
        var before = await page.EvaluateAsync<string[]>(Newest);
        Assert.Equal("true", before[2]);
        string[] now = before;
        for (var attempt = 0; attempt < 120 && now[0] == before[0]; attempt++)
        {
            await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
            now = await page.EvaluateAsync<string[]>(Newest);
        }

        Assert.NotEqual(before[0], now[0]); // a live update reached the chart's data
        Assert.Equal(before[1], now[1]); // and Plotly did not draw it out of sight

        await page.EvaluateAsync("() => { const charts = document.querySelectorAll('[data-plot] > div'); charts[charts.length - 1].scrollIntoView(); }");
        await page.WaitForFunctionAsync("() => { const charts = document.querySelectorAll('[data-plot] > div'); const g = charts[charts.length - 1]; const x = g.data[1].x, f = g._fullData[1].x; return String(x[x.length - 1]) === String(f[f.length - 1]) && x.length === f.length; }", null, new() { Timeout = 10_000 });
    }

    /// <summary>
    /// A dashboard opened by its address asks for Plotly while it connects (js/plotly-early.js, through the charts' own
    /// module): the bundle is fetched and put on the page once, and every chart is drawn with it. Each chart's title and
    /// key are page text, and Plotly draws neither legend nor mode bar.
    /// </summary>
    [Fact]
    public async Task A_dashboard_opened_by_its_address_loads_plotly_once_while_it_connects_and_names_its_charts_in_page_text()
    {
        var page = await SignInAsync();
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-chart] .main-svg").First.WaitForAsync(new() { Timeout = 30_000 });
        var bundles = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("plotly-basic", StringComparison.Ordinal))
            {
                bundles.Enqueue(request.Url);
            }
        };

        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => { const c = document.querySelectorAll('[data-chart]'); return c.length > 0 && Array.from(c).every(x => x.querySelector('.main-svg')); }", null, new() { Timeout = 30_000 });

        // Read once the page is live: the live render replaces the prerendered page, its head content and chart elements
        // included, and elements read across that swap were missing or detached (two suite runs in the seventeenth round).
        await page.Locator("main[data-interactive=true] [data-chart] .main-svg").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(1, await page.Locator("#plotly-early").CountAsync());
        Assert.Single(bundles);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => document.querySelectorAll('script[src*=\"plotly-basic\"]').length"));
        var chart = page.Locator("[data-chart='p95_latency_ms']");
        await Assertions.Expect(chart.Locator(".chart-title")).ToHaveTextAsync("P95 latency (ms)");
        await Assertions.Expect(chart.Locator(".key-item")).ToHaveTextAsync(new[] { new System.Text.RegularExpressions.Regex("^Control$"), new System.Text.RegularExpressions.Regex("^Canary$"), new System.Text.RegularExpressions.Regex("^Limit ") });
        Assert.Equal(0, await page.Locator("[data-chart] .legend, [data-chart] .modebar, [data-chart] .gtitle").CountAsync());

        await chart.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "metric-chart.png") });
        // Each chart div holds one Plotly chart (the one drawn from the prerendered page, moved in, or one drawn by the
        // live page), at the div's width, and no prerendered figure is left.
        var plots = await page.EvaluateAsync<int[][]>("() => Array.from(document.querySelectorAll('[data-plot]')).map(p => [p.querySelectorAll('.js-plotly-plot').length, Math.abs(p.getBoundingClientRect().width - p.querySelector('.main-svg').getBoundingClientRect().width) < 2 ? 1 : 0])");
        Assert.NotEmpty(plots);
        Assert.Equal(await page.Locator("[data-chart]").CountAsync(), plots.Length);
        Assert.All(plots, plot => Assert.Equal([1, 1], plot));
        Assert.Equal(0, await page.Locator("script[data-figure]").CountAsync());

        // With no live connection at all the page still asks for Plotly: only js/plotly-early.js can have.
        await page.RouteAsync("**/_blazor/negotiate**", route => route.AbortAsync());
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.Plotly !== undefined", null, new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("main[data-interactive=true]").CountAsync());
        // The charts are drawn from the figures the prerendered page carries, without the live connection.
        await page.WaitForFunctionAsync("() => { const c = document.querySelectorAll('[data-chart]'); return c.length > 0 && Array.from(c).every(x => x.querySelector('.main-svg')); }", null, new() { Timeout = 30_000 });
        Assert.Equal(0, await page.Locator("main[data-interactive=true]").CountAsync());
        await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
    }

    /// <summary>
    /// A dashboard's circuit is counted while its tab is open and counted out when the tab closes: /metrics says who is
    /// watching, and a tab closed as a person closes it leaves nothing rendering on the server (the benchmark's memory
    /// row reads the heap right after its tabs close, and relies on this).
    /// </summary>
    [Fact]
    public async Task A_dashboard_tab_is_counted_as_an_open_circuit_and_counted_out_when_it_closes()
    {
        var circuits = _app.Services.GetRequiredService<ShipRoom.Web.Telemetry.OpenCircuits>();
        var page = await SignInAsync();
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator("main[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        var before = circuits.Connected;
        Assert.True(before >= 1, $"{before} connected circuits with a live dashboard open");

        var second = await _context.NewPageAsync();
        await second.GotoAsync(page.Url);
        await second.Locator("main[data-interactive=true] .dashboard").WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal((before + 1, 0L), await CountsAsync(circuits, (before + 1, 0L)));

        await second.CloseAsync(new() { RunBeforeUnload = false });
        Assert.Equal((before, 0L), await CountsAsync(circuits, (before, 0L)));
    }

    /// <summary>The circuit counts once they read <paramref name="expected"/>, or as they are after 15 s.</summary>
    private static async Task<(long Connected, long Disconnected)> CountsAsync(ShipRoom.Web.Telemetry.OpenCircuits circuits, (long, long) expected)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while ((circuits.Connected, circuits.Disconnected) != expected && DateTime.UtcNow < until)
        {
            await Task.Delay(100, Xunit.TestContext.Current.CancellationToken);
        }

        return (circuits.Connected, circuits.Disconnected);
    }

    /// <summary>
    /// Values that move on every poll reach the browser as live cells (wwwroot/js/live-cells.js), not as renders: after
    /// several updates, the gate board and metric tables in Chromium show what the server's snapshot holds, cell by cell.
    /// </summary>
    [Fact]
    public async Task Live_cells_sent_instead_of_renders_show_the_snapshot_values_in_the_browser()
    {
        var page = await SignInAsync();
        var applied = 0;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        BlazorFrames.OnMessages(page, (_, text) =>
        {
            seen.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {new string(text.Where(c => !char.IsControl(c)).Take(90).ToArray())}");
            if (text.Contains("BeginInvokeJS", StringComparison.Ordinal) && text.Contains("apply", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref applied);
            }
        });
        await page.ReloadAsync();
        await page.Locator("[data-interactive=true]").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        var id = long.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        var store = _app.Services.GetRequiredService<ShipRoom.Web.Live.RolloutSnapshotStore>();
        for (var wait = 0; wait < 120 && Volatile.Read(ref applied) < 2; wait++)
        {
            await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
        }

        Assert.True(Volatile.Read(ref applied) >= 2, "no live values were sent to the browser; what it received: " + string.Join("\n", seen.TakeLast(60)));

        // Read the page's version and its cells in one evaluation, and compare once it shows the store's current snapshot.
        const string Shown = """
            () => ({
              version: document.querySelector('.dashboard').getAttribute('data-rollout-version'),
              since: [...document.querySelectorAll('tr[data-gate] time')].map(t => t.textContent),
              gates: [...document.querySelectorAll('tr[data-gate]')].map(r => [r.getAttribute('data-gate'), r.querySelector('[data-gate-canary] [data-live]').textContent, r.querySelectorAll('td')[3].textContent, r.querySelector('[role=status]').getAttribute('data-status'), r.querySelector('[role=status]').getAttribute('aria-label'), r.querySelector('[data-gate-reason]').textContent, r.querySelectorAll('td')[6].textContent.replace(/\s+/g, ' ').trim()]),
              metrics: [...document.querySelectorAll('tr[data-metric]')].map(r => [r.getAttribute('data-metric'), r.querySelectorAll('td')[1].textContent, r.querySelector('[data-canary-value]').textContent, r.querySelectorAll('td')[3].textContent, r.querySelectorAll('td')[3].className]),
            })
            """;
        string? mismatch = "not compared";
        for (var attempt = 0; attempt < 120 && mismatch is not null; attempt++)
        {
            var snapshot = store.Get(id)!;
            var shown = await page.EvaluateAsync<System.Text.Json.JsonElement>(Shown);
            mismatch = shown.GetProperty("version").GetString() != snapshot.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ? "another version"
                : Mismatch(snapshot, shown);
            if (mismatch is not null)
            {
                await Task.Delay(250, Xunit.TestContext.Current.CancellationToken);
            }
        }

        Assert.Null(mismatch);
        // The viewer's zone (Europe/Berlin here) reached the gate board's times after the circuit asked the browser for it.
        var since = (await page.EvaluateAsync<System.Text.Json.JsonElement>(Shown)).GetProperty("since").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.NotEmpty(since);
        Assert.All(since, t => Assert.Contains("local", t));
    }

    private static string? Mismatch(ShipRoom.Infrastructure.Rollouts.Snapshots.RolloutSnapshot snapshot, System.Text.Json.JsonElement shown)
    {
        static string Window(ShipRoom.Core.Evaluation.GateVerdict g) => string.Join(' ', new[]
        {
            $"{(g.PassedThroughoutWindow ? "✓ " : "")}{g.MinutesPassed}/{g.WindowMinutes}",
            g.MinutesYellow > 0 ? $"({g.MinutesYellow} yellow)" : "",
            g.MinutesRed + g.MinutesNoData > 0 ? $"({g.MinutesRed} red, {g.MinutesNoData} no data)" : "",
        }.Where(t => t.Length > 0));
        var gates = snapshot.Verdict!.Gates.Select(g =>
        {
            var status = ShipRoom.Web.Model.StatusLook.Text(g.Status);
            return $"{g.Key}|{ShipRoom.Web.Model.Format.Value(g.Canary, g.Unit)}|{ShipRoom.Web.Model.Format.Value(g.Control, g.Unit)}|{status}|{g.Name}: {status}|{(g.Status == ShipRoom.Core.Evaluation.GateStatus.Green ? "" : g.Reason)}|{Window(g)}";
        }).ToList();
        var shownGates = shown.GetProperty("gates").EnumerateArray().Select(r => string.Join('|', r.EnumerateArray().Select(c => c.GetString()))).ToList();
        if (!gates.SequenceEqual(shownGates))
        {
            return $"gates: expected {string.Join("; ", gates)}, shown {string.Join("; ", shownGates)}";
        }

        var metrics = snapshot.Panels.SelectMany(p => p.Metrics)
            .Select(m => $"{m.Key}|{ShipRoom.Web.Model.Format.Value(m.Control, m.Unit)}|{ShipRoom.Web.Model.Format.Value(m.Canary, m.Unit)}|{ShipRoom.Web.Model.Format.Delta(m.DeltaPercent)}").ToList();
        var shownMetrics = shown.GetProperty("metrics").EnumerateArray().Select(r => string.Join('|', r.EnumerateArray().Take(4).Select(c => c.GetString()))).ToList();
        if (!metrics.SequenceEqual(shownMetrics))
        {
            return $"metrics: expected {string.Join("; ", metrics)}, shown {string.Join("; ", shownMetrics)}";
        }

        return shown.GetProperty("metrics").EnumerateArray().All(r => r[4].GetString()!.StartsWith("num delta-", StringComparison.Ordinal)) ? null : "a delta cell lost its class";
    }

    [Fact]
    public async Task The_demo_rollout_shows_every_panel_and_updates_live_in_light_dark_and_wall_screen()
    {
        var page = await SignInAsync();

        await page.Locator("[data-rollout] a").First.ClickAsync(new() { Timeout = 30_000 });
        await page.Locator(".dashboard").WaitForAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        foreach (var panel in Panels)
        {
            await Assertions.Expect(page.Locator($"[data-panel='{panel}']")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Status, new() { Name = "Overall: GREEN" })).ToBeVisibleAsync();
        var canary = page.Locator("[data-metric='p95_latency_ms'] [data-canary-value]").First;
        var before = await canary.TextContentAsync();
        await Assertions.Expect(canary).Not.ToHaveTextAsync(before!, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-chart='p95_latency_ms'] .main-svg").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("time").First).ToContainTextAsync("local");
        await Screenshots.SaveAsync(page, "dashboard-light.png");

        // The light theme's variables are written once, in the head, not kept by the live layout; the dark theme's
        // come after them while it is chosen, and win.
        const string Background = "getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-background').trim()";
        Assert.Equal(1, await page.Locator("head style.mud-theme-provider").CountAsync());
        Assert.Equal(1, await page.Locator("style.mud-theme-provider").CountAsync());
        var lightBackground = await page.EvaluateAsync<string>(Background);
        Assert.False(string.IsNullOrEmpty(lightBackground));
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-theme=dark]")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync($"{Background} !== {System.Text.Json.JsonSerializer.Serialize(lightBackground)}", null, new() { Timeout = 10_000 });
        await page.WaitForTimeoutAsync(1500);
        await Screenshots.SaveAsync(page, "dashboard-dark.png");

        var id = await page.Locator(".dashboard").GetAttributeAsync("data-rollout-version");
        Assert.NotNull(id);
        await page.GotoAsync(page.Url + "/tv");
        await page.Locator(".tv [data-gate]").First.WaitForAsync(new() { Timeout = 30_000 });
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Roll back" }).CountAsync());
        await Screenshots.SaveAsync(page, "wall-screen.png", fullPage: false);
    }
}
