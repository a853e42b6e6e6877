using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace ShipRoom.Infrastructure.Logging;

/// <summary>
/// A log parameter that names or reaches a person (a user name, a contact). The logging pipeline redacts it to
/// <see cref="PersonalDataRedactor.Mask"/> before any sink sees it: no pattern has to recognise a name.
/// </summary>
public sealed class PersonalDataAttribute() : DataClassificationAttribute(PersonalData)
{
    public static DataClassification PersonalData { get; } = new("ShipRoom", "PersonalData");
}

/// <summary>Writes a fixed mask in place of personal data, so a log line still reads as a sentence.</summary>
public sealed class PersonalDataRedactor : Redactor
{
    public const string Mask = "[person]";

    public override int GetRedactedLength(ReadOnlySpan<char> input) => Mask.Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        Mask.AsSpan().CopyTo(destination);
        return Mask.Length;
    }
}
