using BenchmarkDotNet.Running;
using ShipRoom.Benchmarks.Live;

// `live` measures a running ShipRoom from outside (scripts/bench.sh), `barehub` and `barepage` are its baselines,
// `deploysystem` the webhook ShipRoom calls (and where the rollback row runs), `pgdb` makes its PostgreSQL database; anything else is BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "live" => await LiveCommand.RunAsync(args[1..]),
    "barehub" => await BareHubServer.RunAsync(args[1..]),
    "barepage" => await BarePageServer.RunAsync(args[1..]),
    "deploysystem" => await WebhookReceiver.RunAsync(args[1..]),
    "pgdb" => await PostgresDatabase.RunAsync(args[1..]),
    _ => RunBenchmarkDotNet(args),
};

static int RunBenchmarkDotNet(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ShipRoom.Benchmarks.EngineBenchmarks).Assembly).Run(args);
    return 0;
}
