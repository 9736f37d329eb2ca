namespace Trawl.Store;

/// <summary>
/// A mistake in what the user asked for (a missing dataset, an unknown column, bad FTS syntax,
/// a write in read-only SQL). The CLI exits 1 and the server answers 400 with the message.
/// </summary>
public class UserErrorException : Exception
{
    public UserErrorException(string message, Exception? inner = null) : base(message, inner) { }
}
