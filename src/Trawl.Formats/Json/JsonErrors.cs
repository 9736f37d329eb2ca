using System.Text.Json;

namespace Trawl.Formats.Json;

/// <summary>Turns System.Text.Json's messages into ours (its own name the reader's internal line and position, which we replace).</summary>
internal static class JsonErrors
{
    public static string Describe(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut];
        return message.TrimEnd('.', ' ');
    }
}
