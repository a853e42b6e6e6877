using System.Security.Cryptography;
using System.Text;

namespace ShipRoom.Web.Authentication;

/// <summary>
/// What the audit keeps of a user name that matches no account. People type passwords into the name field; the
/// audit trail is kept for good and cannot be edited, so the typed text is never stored. Its fingerprint still lets
/// Security see that one name was tried forty times, and check a suspected name:
/// <c>printf 'shiproom sign-in name:%s' "$(echo -n NAME | tr A-Z a-z)" | sha256sum | cut -c1-12</c>.
/// </summary>
public static class SignInNameFingerprint
{
    private const string Purpose = "shiproom sign-in name:";

    public static string Of(string typed) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Purpose + typed.Trim().ToLowerInvariant())))[..12];

    public static string Actor(string typed) => $"unknown account #{Of(typed)}";
}
