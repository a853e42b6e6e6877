using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ShipRoom.Core.Metrics;
using ShipRoom.Core.Rollouts;
using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Benchmarks;

/// <summary>
/// What a poll's sample write and read cost on the embedded SQLite: a steady minute of the shipped plan (82 samples),
/// a poll that brings ten minutes (820) and the first poll's hour of back-fill (10,080), written into a rollout that
/// already holds a day of samples, and the read of that rollout's whole history that every poll does.
/// </summary>
[MemoryDiagnoser]
public class SampleStorageBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private string _directory = null!;
    private IDbConnectionFactory _connections = null!;
    private SampleRepository _samples = null!;
    private long _rolloutId;
    private List<MetricSample> _batch = null!;
    private int _round;

    [Params(82, 820, 10_080)]
    public int Rows { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = Directory.CreateTempSubdirectory("shiproom-bench-").FullName;
        var options = new StorageOptions { Provider = "Sqlite", ConnectionString = $"Data Source={Path.Combine(_directory, "shiproom.db")}" };
        _connections = StorageServiceCollectionExtensions.CreateConnectionFactory(options);
        await new MigrationRunner(_connections, Options.Create(options), NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        _rolloutId = await new RolloutRepository(_connections).CreateAsync(
            new NewRollout("bench", "v1", "0000000000000000000000000000000000000000", "release: {}", "hash", RolloutStatus.Running, Start, "simulator", "{}", 60, Start, "bench", Start), CancellationToken.None);
        _samples = new SampleRepository(_connections);
        await _samples.UpsertAsync(_rolloutId, Minutes(-1440, 1440), CancellationToken.None);
        _batch = Minutes(0, (Rows + 81) / 82).Take(Rows).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public Task<int> Write() => _samples.UpsertAsync(_rolloutId, _batch.Select(s => s with { Value = s.Value + (++_round % 7) }).ToList(), CancellationToken.None);

    [Benchmark]
    public Task<IReadOnlyList<MetricSample>> ReadTheDay() => _samples.ReadAsync(_rolloutId, Start.AddDays(-1), Start.AddDays(1), CancellationToken.None);

    /// <summary>41 series per cohort, one sample a minute, as the shipped plan's poll writes them.</summary>
    private static List<MetricSample> Minutes(int from, int count)
    {
        var samples = new List<MetricSample>();
        for (var minute = from; minute < from + count; minute++)
        {
            for (var series = 0; series < 41; series++)
            {
                samples.Add(new MetricSample($"metric_{series % 29}", Cohort.Control, series < 29 ? null : $"journey_{series}", Start.AddMinutes(minute), 100 + (series * 0.5) + (minute % 13)));
                samples.Add(new MetricSample($"metric_{series % 29}", Cohort.Canary, series < 29 ? null : $"journey_{series}", Start.AddMinutes(minute), 101 + (series * 0.5) + (minute % 11)));
            }
        }

        return samples;
    }
}
