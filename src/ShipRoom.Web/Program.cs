using ShipRoom.Web;
using ShipRoom.Web.Health;

try
{
    var app = ShipRoomWebApplication.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.TryDescribe(exception, out var problems))
{
    await Console.Error.WriteLineAsync("ShipRoom cannot start:");
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync($"  - {problem}");
    }

    return 2;
}

public partial class Program;
