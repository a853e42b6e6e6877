using System.Collections.Concurrent;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Plans;
using ShipRoom.Infrastructure.MetricSources;
using ShipRoom.Infrastructure.MetricSources.Selection;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Infrastructure.Rollouts.Polling;

/// <summary>What one poll read: the samples, and each read that failed or did not answer in time, in words.</summary>
public sealed record MetricReadResult(IReadOnlyList<MetricSample> Samples, IReadOnlyList<string> Problems, int Failed, int Total)
{
    public bool AllFailed => Total > 0 && Failed == Total;

    public PollRunStatus Status => AllFailed ? PollRunStatus.Failed : Failed > 0 ? PollRunStatus.PartiallyFailed : PollRunStatus.Succeeded;
}

/// <summary>
/// Reads every metric of a plan for both cohorts, the overall series and every journey, a few reads at a time. A poll
/// has a deadline: what has not arrived by then is NO DATA with the reason, so one slow metric source cannot hold up a
/// poll (or the rollouts polled beside it) for its timeouts times its retries.
/// </summary>
public sealed class MetricReader(MetricSourceResolver sources)
{
    public const int ParallelReads = 8;

    public async Task<MetricReadResult> ReadAsync(RolloutRecord rollout, RolloutPlan plan, DateTimeOffset from, DateTimeOffset to, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var source = sources.For(rollout);
        var requests = plan.Metrics
            .SelectMany(metric => new string?[] { null }.Concat(metric.Journeys).SelectMany(journey => new[] { Cohort.Control, Cohort.Canary }.Select(cohort =>
                new MetricSeriesRequest(metric.Key, cohort, journey, from, to, metric.QueryFor(source.Name, journey), rollout.PhaseIndex))))
            .ToList();
        using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeLimit.CancelAfter(deadline);
        using var slots = new SemaphoreSlim(ParallelReads);
        var results = new ConcurrentBag<(MetricSeriesRequest Request, MetricSeriesResult Result)>();
        await Task.WhenAll(requests.Select(async request =>
        {
            MetricSeriesResult result;
            try
            {
                await slots.WaitAsync(timeLimit.Token);
                try
                {
                    result = await source.ReadAsync(request, timeLimit.Token);
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                result = MetricSeriesResult.NoData($"no answer within the poll's time limit of {deadline.TotalSeconds:0} s");
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result = MetricSeriesResult.NoData($"{source.Name} failed: {exception.GetType().Name}");
            }

            results.Add((request, result));
        }));
        cancellationToken.ThrowIfCancellationRequested();

        // Sized once: a first poll's hour of the shipped plans is 5,460 samples or more (48 bytes each), and a list that
        // doubles its way there leaves two arrays on the large object heap behind it and keeps one of 8,192.
        var samples = new List<MetricSample>(results.Sum(r => r.Result.Samples.Count));
        foreach (var (_, result) in results)
        {
            samples.AddRange(result.Samples.Where(s => s.Time >= from && s.Time < to));
        }

        var problems = results.Where(r => r.Result.Failed)
            .Select(r => $"{r.Request.MetricKey} ({r.Request.Cohort.ToString().ToLowerInvariant()}{(r.Request.Journey is null ? "" : $", {r.Request.Journey}")}): {r.Result.Problem}")
            .Order(StringComparer.Ordinal)
            .ToList();
        return new MetricReadResult(samples, problems, results.Count(r => r.Result.Failed), requests.Count);
    }
}
