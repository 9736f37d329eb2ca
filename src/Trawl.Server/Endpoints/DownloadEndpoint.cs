using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Requests;

namespace Trawl.Server.Endpoints;

/// <summary>/DB.db: the dataset's SQLite database, as Datasette's "Download SQLite DB" (allow_download). A
/// consistent copy is made in a temporary file, sent, and deleted.</summary>
internal sealed class DownloadEndpoint(ServerState state)
{
    /// <summary>The dataset a "NAME.db" segment asks for, or null when the segment is something else.</summary>
    public string? DatasetOf(string segment) =>
        segment.EndsWith(".db", StringComparison.OrdinalIgnoreCase) && !state.Catalog.Contains(segment) && state.Catalog.Contains(segment[..^3])
            ? segment[..^3] : null;

    public async Task Handle(HttpContext context, string name)
    {
        if (!state.Options.AllowDownload)
            throw new ForbiddenException("downloads are off: this server runs with allow_download off");
        var dataset = state.Catalog.Get(name);
        string temp = Path.Combine(Path.GetTempPath(), $"trawl-download-{Guid.NewGuid():N}.db");
        try
        {
            // Copying a large database is heavy work: it waits for a slot like SQL does.
            using (await state.HeavyWork.EnterAsync(state.Options.SqlTimeLimit, context.RequestAborted))
            {
                if (!await Task.Run(() => dataset.CopyDatabase(temp), context.RequestAborted))
                    throw new NotFoundException($"dataset '{dataset.Name}' has no database file to download (backend {dataset.Capabilities.Backend})");
            }
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{Exports.SafeFileName(dataset.Name)}.db\"";
            context.Response.ContentLength = new FileInfo(temp).Length;
            await context.Response.SendFileAsync(temp, context.RequestAborted);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
