using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using ShipRoom.E2E;

namespace ShipRoom.Benchmarks.Live;

/// <summary>
/// Tabs in one headless Debian Chromium, launched as tests/ShipRoom.E2E launches it (its BrowserFixture's options:
/// /usr/bin/chromium, nothing off 127.0.0.1). Each tab is a fresh browser context (its own cookies and cache, as a new
/// person's first visit). A tab is timed in the page itself: an init script watches the document from its start and
/// notes <c>performance.now()</c> (milliseconds since the navigation started) the first time each named condition
/// holds. Every frame the tabs receive over Blazor's <c>/_blazor</c> WebSocket is counted (payload bytes as the
/// browser hands them to the page, after the WebSocket's own decompression). Dispose closes every tab and the browser.
/// </summary>
public sealed class DashboardTabs : IAsyncDisposable
{
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(15);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<IBrowserContext> _open = [];
    private readonly ConcurrentDictionary<string, long> _bytesByKind = new(StringComparer.Ordinal);
    private long _blazorBytes;
    private long _blazorFrames;

    private DashboardTabs(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Tabs open now (closed ones are not counted).</summary>
    public int Open => _open.Count;

    public long BlazorBytes => Interlocked.Read(ref _blazorBytes);

    public long BlazorFrames => Interlocked.Read(ref _blazorFrames);

    /// <summary>Bytes received over /_blazor so far by what the frame carries (render batches, JS calls, ...).</summary>
    public IReadOnlyDictionary<string, long> BlazorBytesByKind => new Dictionary<string, long>(_bytesByKind);

    public static async Task<DashboardTabs> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var options = BrowserFixture.LaunchOptions;
            options.Timeout = 60_000;
            return new DashboardTabs(playwright, await playwright.Chromium.LaunchAsync(options));
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new tab of a new context holding <paramref name="cookies"/>, waits (at most
    /// <paramref name="wait"/>) until every condition of <paramref name="marks"/> (name → JavaScript expression) has held,
    /// and returns when each first held, in milliseconds since the navigation started. The tab stays open.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> OpenAsync(Uri url, IEnumerable<Cookie> cookies, IReadOnlyDictionary<string, string> marks, TimeSpan wait)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        lock (_open)
        {
            _open.Add(context); // warm-up tabs open four at a time
        }

        await context.AddCookiesAsync(cookies);
        await context.AddInitScriptAsync(MarksScript(marks));
        var page = await context.NewPageAsync();
        page.WebSocket += (_, socket) =>
        {
            if (socket.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                socket.FrameReceived += (_, frame) => Count(frame);
            }
        };
        await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Commit, Timeout = (float)wait.TotalMilliseconds });
        var all = $"() => {{ const m = window.__benchMarks || {{}}; return [{string.Join(", ", marks.Keys.Select(k => JsonSerializer.Serialize(k)))}].every(k => m[k] !== undefined) ? m : null; }}";
        var handle = await page.WaitForFunctionAsync(all, null, new PageWaitForFunctionOptions { Timeout = (float)wait.TotalMilliseconds, PollingInterval = 50 });
        return await handle.JsonValueAsync<Dictionary<string, double>>();
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new context without cookies, waits for the load event and returns the
    /// navigation's loadEventEnd (milliseconds since it started); the context is closed again.
    /// </summary>
    public async Task<double> TimeLoadAsync(Uri url, TimeSpan wait)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = (float)wait.TotalMilliseconds });
        var handle = await page.WaitForFunctionAsync("() => { const n = performance.getEntriesByType('navigation')[0]; return n && n.loadEventEnd > 0 ? n.loadEventEnd : null; }", null,
            new PageWaitForFunctionOptions { Timeout = (float)wait.TotalMilliseconds, PollingInterval = 50 });
        return await handle.JsonValueAsync<double>();
    }

    /// <summary>
    /// Closes every open tab as a person closes it: the page first, so it unloads as a closed tab does (blazor.web.js
    /// then sends its disconnect beacon and the server ends the circuit at once instead of keeping it for minutes as a
    /// disconnected one), then each context; every close bounded.
    /// </summary>
    public async Task CloseTabsAsync()
    {
        foreach (var page in _open.SelectMany(c => c.Pages).ToList())
        {
            try
            {
                await page.CloseAsync(new PageCloseOptions { RunBeforeUnload = false }).WaitAsync(CloseWait);
            }
            catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
            {
                // The context's close below takes it.
            }
        }

        if (_open.Count > 0)
        {
            // The beacons leave from the browser's network process after the pages are gone: let them go first.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        foreach (var context in _open)
        {
            try
            {
                await context.CloseAsync().WaitAsync(CloseWait);
            }
            catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
            {
                // Closing the browser at the end takes whatever is left.
            }
        }

        _open.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseTabsAsync();
            await _browser.CloseAsync().WaitAsync(CloseWait);
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
        {
            // Disposing Playwright below ends its driver, and the driver ends the browser it launched.
        }
        finally
        {
            _playwright.Dispose();
        }
    }

    private void Count(IWebSocketFrame frame)
    {
        var bytes = frame.Binary?.Length ?? Encoding.UTF8.GetByteCount(frame.Text ?? "");
        Interlocked.Add(ref _blazorBytes, bytes);
        Interlocked.Increment(ref _blazorFrames);
        // A frame can carry several messages (a chart's JS call made during a render, then the render batch): each is counted as what it is.
        foreach (var (length, text) in frame.Binary is { } binary ? ShipRoom.E2E.BlazorFrames.Messages(binary) : [(bytes, frame.Text ?? "")])
        {
            _bytesByKind.AddOrUpdate(KindOf(text), length, (_, sum) => sum + length);
        }
    }

    /// <summary>What a message carries, by the invocation target named near its start (MessagePack keeps strings readable).</summary>
    private static string KindOf(string message)
    {
        var head = message[..Math.Min(message.Length, 300)];
        return head.Contains("JS.RenderBatch", StringComparison.Ordinal) ? "render batches"
            : head.Contains("JS.BeginInvokeJS", StringComparison.Ordinal) ? "JS calls"
            : head.Contains("JS.EndInvokeDotNet", StringComparison.Ordinal) ? "answers to JS"
            : "other";
    }

    /// <summary>
    /// Runs before the page's own scripts: on every change to the document, each named condition not yet met is
    /// evaluated, and the first time it holds <c>performance.now()</c> is noted in <c>window.__benchMarks</c>.
    /// </summary>
    private static string MarksScript(IReadOnlyDictionary<string, string> marks)
    {
        var conditions = string.Join(",\n", marks.Select(m => $"    [{JsonSerializer.Serialize(m.Key)}, () => ({m.Value})]"));
        return $$"""
            (() => {
              const marks = window.__benchMarks = {};
              const conditions = [
            {{conditions}}
              ];
              const check = () => {
                let pending = 0;
                for (const [name, holds] of conditions) {
                  if (marks[name] === undefined) {
                    let ok = false;
                    try { ok = !!holds(); } catch { ok = false; }
                    if (ok) { marks[name] = performance.now(); } else { pending++; }
                  }
                }
                if (pending === 0) { observer.disconnect(); }
              };
              const observer = new MutationObserver(check);
              observer.observe(document, { childList: true, subtree: true, attributes: true });
            })();
            """;
    }
}
