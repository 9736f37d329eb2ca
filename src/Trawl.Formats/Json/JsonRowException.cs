namespace Trawl.Formats.Json;

/// <summary>A problem in one JSON row found by <see cref="JsonRowBuilder"/>; the reader adds the file, line and offset.</summary>
internal sealed class JsonRowException(string problem, string? column, long position) : Exception(problem)
{
    public string? Column { get; } = column;

    /// <summary>Byte position within the row's JSON text.</summary>
    public long Position { get; } = position;
}
