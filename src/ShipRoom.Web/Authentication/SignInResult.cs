using ShipRoom.Infrastructure.Storage;

namespace ShipRoom.Web.Authentication;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

/// <summary>The outcome of one local sign-in; a failure never says whether the user name exists.</summary>
public sealed record LocalSignInResult(SignInOutcome Outcome, UserRecord? User)
{
    public static LocalSignInResult Failed { get; } = new(SignInOutcome.Failed, null);
}
