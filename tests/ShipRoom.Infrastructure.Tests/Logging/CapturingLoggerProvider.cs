using Microsoft.Extensions.Logging;

namespace ShipRoom.Infrastructure.Tests.Logging;

/// <summary>Keeps what is logged through it, for tests that check what a component says.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Message, List<KeyValuePair<string, string?>> Values)> _entries = [];

    /// <summary>Each entry's level, message and values as text, taken while the entry is logged (redacted values are pooled).</summary>
    public IReadOnlyList<(LogLevel Level, string Message, List<KeyValuePair<string, string?>> Values)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string message, List<KeyValuePair<string, string?>> values)
    {
        lock (_entries)
        {
            _entries.Add((level, message, values));
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Add(logLevel, formatter(state, exception), state is IReadOnlyList<KeyValuePair<string, object?>> values
                ? [.. values.Select(v => new KeyValuePair<string, string?>(v.Key, Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture)))]
                : []);
    }
}
