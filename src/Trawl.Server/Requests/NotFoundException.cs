namespace Trawl.Server.Requests;

/// <summary>An unknown dataset, table, row or path: the server answers 404 with the message.</summary>
internal sealed class NotFoundException(string message) : Exception(message);
