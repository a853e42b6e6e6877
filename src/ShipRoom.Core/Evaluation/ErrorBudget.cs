using ShipRoom.Core.Conditions;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;

namespace ShipRoom.Core.Evaluation;

/// <summary>One SLO's error budget as the snapshot, the dashboard and the 15-minute report show it.</summary>
public sealed record BudgetStatus(
    string SloKey,
    string Name,
    decimal ObjectivePercent,
    TimeSpan Window,
    decimal? SpentPercent,
    decimal? RemainingPercent,
    decimal? BurnRateLastHour,
    decimal? BurnRateLastFiveMinutes,
    int MinutesMeasured)
{
    /// <summary>"API availability 99.9% / 30d: 3.2% of the budget spent during the rollout, 96.8% left; burn 1.4× (1 h), 0.9× (5 min)".</summary>
    public string Text => SpentPercent is not { } spent
        ? $"{Name} {P(ObjectivePercent)}% / {ErrorBudget.WindowText(Window)}: no data yet"
        : $"{Name} {P(ObjectivePercent)}% / {ErrorBudget.WindowText(Window)}: {P(Math.Round(spent, 2))}% of the budget spent during the rollout, "
          + $"{P(Math.Round(RemainingPercent ?? 0, 2))}% left; burn rate {Rate(BurnRateLastHour)} (1 h), {Rate(BurnRateLastFiveMinutes)} (5 min)";

    private static string Rate(decimal? rate) => rate is { } r ? $"{P(Math.Round(r, 2))}×" : "no data";

    private static string P(decimal value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Error-budget arithmetic on the canary's series, in decimal so a limit is never crossed by rounding noise. Over a
/// span: error ratio = bad / all events; burn rate = error ratio / (1 − objective); the share of the SLO window's
/// budget spent = burn rate × measured minutes / SLO window minutes. A full hour burning at 14.4× spends 2% of a
/// 30-day budget (the SRE workbook's page threshold); minutes without data spend nothing and are not counted.
/// </summary>
public static class ErrorBudget
{
    /// <summary>"30d", "7d", "6h": an SLO window in whole days where it is one.</summary>
    public static string WindowText(TimeSpan window) =>
        window.TotalDays >= 1 && window.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(int)window.TotalDays}d" : DurationText.Format(window);

    /// <summary>The budget spent over [from, to): burn rate and share (percent of the SLO window's budget), or null with no data.</summary>
    public readonly record struct Spend(decimal BurnRate, decimal SharePercent, int Minutes);

    public static Spend? Over(SloDefinition slo, SeriesIndex series, DateTimeOffset from, DateTimeOffset to, TimeSpan sigmaHistory)
    {
        decimal bad = 0, all = 0;
        var minutes = 0;
        for (var minute = Minutes.Ceiling(from); minute < to; minute = minute.AddMinutes(1))
        {
            if (MinuteEvents(slo, series, minute, sigmaHistory) is not { } events)
            {
                continue;
            }

            bad += events.All - events.Good;
            all += events.All;
            minutes++;
        }

        if (minutes == 0 || all <= 0 || slo.BudgetFraction <= 0)
        {
            return null;
        }

        var burn = ExactNumber.Tidy(bad / all / slo.BudgetFraction);
        var share = ExactNumber.Tidy(burn * minutes / (decimal)slo.Window.TotalMinutes * 100m);
        return new Spend(burn, share, minutes);
    }

    /// <summary>The good and all events of one minute; a time-slice SLI counts the minute as one event. Null: NO DATA.</summary>
    public static (decimal Good, decimal All)? MinuteEvents(SloDefinition slo, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory)
    {
        if (slo.GoodMetric is { } goodKey && slo.TotalMetric is { } totalKey)
        {
            var good = series.ValueAt(goodKey, Cohort.Canary, null, minute);
            var total = series.ValueAt(totalKey, Cohort.Canary, null, minute);
            if (good is not { } g || total is not { } t || !ExactNumber.TryToDecimal(g, out var gd) || !ExactNumber.TryToDecimal(t, out var td) || td <= 0)
            {
                return null;
            }

            // A counter's increase can read a hair above the total it is part of: good never exceeds all.
            return (Math.Clamp(gd, 0, td), td);
        }

        var metric = slo.Series!.MetricKey;
        var truth = Truth.True;
        foreach (var journey in Journeys(slo))
        {
            var canary = series.ValueAt(metric, Cohort.Canary, journey, minute);
            var control = series.ValueAt(metric, Cohort.Control, journey, minute);
            var distribution = slo.GoodWhen is RelativeCondition { Unit: RelativeUnit.Sigma } ? series.ControlDistribution(metric, journey, minute - sigmaHistory, minute.AddMinutes(1)) : null;
            var result = ConditionEvaluator.Evaluate(slo.GoodWhen!, canary, control, distribution, BetterDirection.Lower);
            if (result.Truth == Truth.False)
            {
                return (0, 1);
            }

            if (result.Truth == Truth.NoData)
            {
                truth = Truth.NoData;
            }
        }

        return truth == Truth.NoData ? null : (1, 1);
    }

    /// <summary>The SLO's indicator on one minute: below the objective (True), met (False), NO DATA.</summary>
    public static Truth Breached(SloDefinition slo, SeriesIndex series, DateTimeOffset minute, TimeSpan sigmaHistory, out decimal? goodPercent)
    {
        goodPercent = null;
        if (MinuteEvents(slo, series, minute, sigmaHistory) is not { } events)
        {
            return Truth.NoData;
        }

        goodPercent = ExactNumber.Tidy(events.Good / events.All * 100m);
        return goodPercent < slo.ObjectivePercent ? Truth.True : Truth.False;
    }

    /// <summary>Each declared SLO's budget at <paramref name="now"/>: spent since the rollout began, burn over the last hour and five minutes.</summary>
    public static IReadOnlyList<BudgetStatus> Statuses(RolloutPlan plan, SeriesIndex series, DateTimeOffset rolloutStart, DateTimeOffset now, TimeSpan sigmaHistory)
    {
        var end = Minutes.Floor(now);
        return plan.Slos.Select(slo =>
        {
            var spent = Over(slo, series, rolloutStart, end, sigmaHistory);
            var hour = Over(slo, series, end.AddHours(-1), end, sigmaHistory);
            var five = Over(slo, series, end.AddMinutes(-5), end, sigmaHistory);
            return new BudgetStatus(slo.Key, slo.Name, slo.ObjectivePercent, slo.Window, spent?.SharePercent, spent is { } s ? 100m - s.SharePercent : null,
                hour?.BurnRate, five?.BurnRate, spent?.Minutes ?? 0);
        }).ToList();
    }

    private static IReadOnlyList<string?> Journeys(SloDefinition slo) => slo.Series!.Scope == JourneyScope.One ? [slo.Series.Journey] : [null];
}
