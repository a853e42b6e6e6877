using Microsoft.Extensions.Options;

namespace ShipRoom.Web.Health;

/// <summary>Turns the exceptions a misconfigured start-up throws into one line per problem for the operator.</summary>
public static class StartupFailure
{
    public static bool TryDescribe(Exception exception, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        Collect(exception, found);
        problems = found;
        return found.Count > 0;
    }

    private static void Collect(Exception exception, List<string> found)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                found.AddRange(validation.Failures);
                break;
            case StartupException startup:
                found.Add(startup.Message);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Collect(inner, found);
                }

                break;
        }
    }
}
