namespace Trawl.Server.Requests;

/// <summary>Something the server's settings turn off (arbitrary SQL, downloads): the server answers 403 with the message.</summary>
internal sealed class ForbiddenException(string message) : Exception(message);
