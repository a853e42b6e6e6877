namespace ShipRoom.Web.Tests.Hosting;

/// <summary>The checkout the tests run from, found by walking up to ShipRoom.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    /// <summary>"Debug" or "Release": the configuration these tests were built in, so a sibling project's output is found.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string WebAppDll => System.IO.Path.Combine(Path, "src", "ShipRoom.Web", "bin", Configuration, "net10.0", "ShipRoom.Web.dll");

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ShipRoom.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ShipRoom.sln above {AppContext.BaseDirectory}");
    }
}
