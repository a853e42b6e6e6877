using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ShipRoom.Benchmarks.EngineBenchmarks).Assembly).Run(args);
