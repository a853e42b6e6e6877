using AngleSharp.Dom;
using Bunit;
using ShipRoom.Core.Conditions;
using ShipRoom.Core.Evaluation;
using ShipRoom.Infrastructure.Rollouts.Snapshots;
using ShipRoom.Web.Components.Rollout;
using ShipRoom.Web.Live;
using ShipRoom.Web.Tests.Components;
using PanelKind = ShipRoom.Core.Plans.MetricPanel;

namespace ShipRoom.Web.Tests.Live;

/// <summary>
/// The values a table sends line up with its markup: the table as rendered for one snapshot, with the values sent for
/// the next applied the way wwwroot/js/live-cells.js applies them, equals the table rendered afresh for that next
/// snapshot, slot by slot (text, status chip class, label and text, reason, time, window counts, journeys, caps).
/// </summary>
public sealed class LiveCellsMarkupTests : ComponentTestContext
{
    private static readonly DateTimeOffset Since = Now.AddMinutes(-7);

    private static GateVerdict GateOf(string key, GateStatus status, double canary, DateTimeOffset? since, int yellow, int red, string reason) =>
        new GateVerdict(key, $"Gate {key}", "p95_latency_ms", key == "b" ? "checkout" : null, status, since, canary, canary - 3, "<= 130 ms",
            red == 0, 15, 15 - yellow - red, yellow, red, 0, null, []) { MetricName = "P95 latency", Unit = "ms", Reason = reason };

    private static RolloutVerdict Before() => TestSnapshots.Verdict(
        GateOf("a", GateStatus.Green, 96.5, Since, 0, 0, "meets"), GateOf("b", GateStatus.NoData, 101, null, 0, 0, "no canary value"), GateOf("c", GateStatus.Yellow, 120, Since, 2, 0, "near the limit"));

    private static RolloutVerdict After() => TestSnapshots.Verdict(
        GateOf("a", GateStatus.Red, 140.25, Since.AddMinutes(6), 0, 1, "over the limit at 14:05"), GateOf("b", GateStatus.Green, 99, Since.AddMinutes(5), 1, 0, "meets"), GateOf("c", GateStatus.Green, 118, Since, 0, 0, "meets"));

    private static PanelSnapshot Payments(double canary, GateStatus status, int transactions) => new(PanelKind.Payments, "Payments",
    [
        new MetricSnapshot("payments_e2e_success_pct", "Payments E2E", "%", BetterDirection.Higher, 99.8, canary, (canary - 99.8) / 99.8 * 100,
            status, ">= 99.5 %", 99.5, [new JourneyValue("checkout", 99.9, canary - 0.1), new JourneyValue("refund", 99.7, canary + 0.1)], [], []),
        new MetricSnapshot("payment_value_usd", "Payment value", "$", BetterDirection.Higher, 12.5, canary / 10, 4, null, null, null, [], [], []),
    ]);

    private static PaymentCapUsage Caps(int transactions) => new(transactions, 100, transactions * 9.5m, 1500, 20, "USD", false) { LargestTransaction = 18.75m, OnBreach = "HOLD" };

    [Fact]
    public async Task The_gate_board_patched_to_the_next_verdict_equals_the_board_rendered_for_it()
    {
        var patches = await LoadedAsync();
        var board = Render<GateBoard>(p => p.AddCascadingValue(patches).Add(x => x.Verdict, Before()));
        var renders = board.RenderCount;

        board.Render(p => p.Add(x => x.Verdict, After()));
        Assert.Equal(renders, board.RenderCount);
        ApplySent(board.Find("table"), await SentAsync(patches));

        var row = board.Find("tr[data-gate=a]");
        Assert.Equal(("Gate a: RED", "over the limit at 14:05"), (row.QuerySelector("[role=status]")!.GetAttribute("aria-label"), row.QuerySelector("[data-gate-reason]")!.TextContent));

        var fresh = Render<GateBoard>(p => p.Add(x => x.Verdict, After()));
        Assert.Equal(Canonical(fresh.Find("table")), Canonical(board.Find("table")));
    }

    [Fact]
    public async Task A_metric_table_patched_to_the_next_panel_equals_the_table_rendered_for_it()
    {
        var patches = await LoadedAsync();
        var table = Render<MetricTable>(p => p.AddCascadingValue(patches).Add(x => x.Panel, Payments(99.9, GateStatus.Green, 6)).Add(x => x.Caps, Caps(6)));
        var renders = table.RenderCount;

        table.Render(p => p.Add(x => x.Panel, Payments(99.1, GateStatus.Red, 7)).Add(x => x.Caps, Caps(7)));
        Assert.Equal(renders, table.RenderCount);
        ApplySent(table.Find("table"), await SentAsync(patches));

        var chip = table.Find("tr[data-metric=payments_e2e_success_pct] [role=status]");
        Assert.Equal(("Payments E2E: RED", "RED"), (chip.GetAttribute("aria-label"), chip.TextContent));

        var fresh = Render<MetricTable>(p => p.Add(x => x.Panel, Payments(99.1, GateStatus.Red, 7)).Add(x => x.Caps, Caps(7)));
        Assert.Equal(Canonical(fresh.Find("table")), Canonical(table.Find("table")));
    }

    private static readonly TriggerVerdict Errors = TestSnapshots.Verdict().Triggers[0];

    private static readonly TriggerVerdict Probe = Errors with
    {
        Key = "probe", Name = "Checkout probe fails 3 runs", MetricKey = null, State = TriggerState.Idle, ConsecutiveBad = 0, Required = 3, Reason = "",
    };

    private static RolloutVerdict WithTriggers(params TriggerVerdict[] triggers) => TestSnapshots.Verdict() with { Triggers = triggers };

    [Fact]
    public async Task The_trigger_board_patched_to_the_next_verdict_equals_the_board_rendered_for_it()
    {
        var patches = await LoadedAsync();
        var before = WithTriggers(Errors with { State = TriggerState.Arming, ConsecutiveBad = 3, Reason = "bad 3 of 5 minutes" }, Probe);
        var after = WithTriggers(
            Errors with { State = TriggerState.Fired, ConsecutiveBad = 5, FiredAt = Now, Detail = null, Reason = "" },
            Probe with { State = TriggerState.Arming, ConsecutiveBad = 1, Reason = "probe failed" });
        var board = Render<TriggerBoard>(p => p.AddCascadingValue(patches).Add(x => x.Verdict, before));
        var renders = board.RenderCount;

        board.Render(p => p.Add(x => x.Verdict, after));
        Assert.Equal(renders, board.RenderCount);
        ApplySent(board.Find("table"), await SentAsync(patches));

        var row = board.Find("tr[data-trigger=errors]");
        Assert.Equal(("trigger-fired", null, "FIRED 10:30 UTC"), (row.ClassName, row.GetAttribute("title"), row.QuerySelector(".trigger-state")!.TextContent));
        Assert.Equal("1 of 3 runs", board.Find("tr[data-trigger=probe]").QuerySelectorAll("td")[2].TextContent);

        var fresh = Render<TriggerBoard>(p => p.Add(x => x.Verdict, after));
        Assert.Equal(Canonical(fresh.Find("table")), Canonical(board.Find("table")));
    }

    [Fact]
    public void Text_in_a_table_written_as_markup_is_encoded()
    {
        var signal = new ExternalSignal(7, "incident", "pagerduty", "<img src=x onerror=alert(1)> & \"quoted\"", "https://example.test/i?a=1&b=\"2\"", "<b>ops</b>", Now);
        var verdict = TestSnapshots.Verdict() with { Triggers = [TestSnapshots.Verdict().Triggers[0] with { Name = "<script>alert(1)</script>", Signals = [signal] }] };

        var row = Render<TriggerBoard>(p => p.Add(x => x.Verdict, verdict)).Find("tr[data-trigger=errors]");

        Assert.Empty(row.QuerySelectorAll("script, img, b"));
        Assert.StartsWith("<script>alert(1)</script>", row.QuerySelector("td")!.TextContent);
        var shown = row.QuerySelector("[data-signal='7']")!;
        Assert.Equal("INCIDENT raised by <b>ops</b> via pagerduty at 10:30 UTC: <img src=x onerror=alert(1)> & \"quoted\" incident", shown.TextContent);
        Assert.Equal("https://example.test/i?a=1&b=\"2\"", shown.QuerySelector("a")!.GetAttribute("href"));
    }

    private async Task<LivePatches> LoadedAsync()
    {
        var patches = new LivePatches(JSInterop.JSRuntime);
        await patches.LoadAsync();
        Assert.True(patches.Working);
        return patches;
    }

    private async Task<string?[]> SentAsync(LivePatches patches)
    {
        Assert.True(await patches.FlushAsync());
        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "apply");
        return Assert.Single(SentPatches.Of(call)).Values;
    }

    /// <summary>What live-cells.js does, on bUnit's DOM: one value per name in data-live, in document order.</summary>
    private static void ApplySent(IElement root, string?[] values)
    {
        var slots = root.QuerySelectorAll("[data-live]")
            .SelectMany(cell => (cell.GetAttribute("data-live") is { Length: > 0 } names ? names : "text").Split(' ').Select(slot => (Cell: cell, Slot: slot)))
            .ToList();
        Assert.Equal(slots.Count, values.Length);
        Assert.Contains(values, v => v is not null);
        foreach (var ((cell, slot), value) in slots.Zip(values))
        {
            if (value is null)
            {
                continue;
            }

            if (slot == "text")
            {
                cell.TextContent = value;
            }
            else if (value.Length == 0)
            {
                cell.RemoveAttribute(slot);
            }
            else
            {
                cell.SetAttribute(slot, value);
            }
        }
    }

    /// <summary>Elements with their attributes sorted (a set attribute lands last), text as is, the scope number left out.</summary>
    private static string Canonical(INode node) => node switch
    {
        IElement element => $"<{element.LocalName} {string.Join(" ", element.Attributes.Where(a => a.Name != "data-live-scope").Select(a => $"{a.Name}=\"{a.Value}\"").Order(StringComparer.Ordinal))}>"
            + string.Concat(element.ChildNodes.Select(Canonical)) + $"</{element.LocalName}>\n",
        _ => node.TextContent,
    };
}
