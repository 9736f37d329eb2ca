using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Trawl.Server.Hosting;
using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Images;

namespace Trawl.Server.Endpoints;

/// <summary>/DB/TABLE/ROWID/image: the row's image from its local webdataset shard. The type comes from the bytes
/// (only real image types are served, with nosniff and the site's Content-Security-Policy), and the response is
/// cacheable with an ETag that changes when the shard does.</summary>
internal sealed class ImageEndpoint(ServerState state)
{
    public async Task Handle(HttpContext context, string db, string tableName, string rowSegment)
    {
        var dataset = state.Catalog.Get(db);
        var table = DatasetCatalog.GetTable(dataset, tableName);
        if (!long.TryParse(rowSegment, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long rowid))
            throw new NotFoundException($"'{rowSegment}' is not a row id (rows are addressed by their integer rowid)");
        LocalImage image;
        try
        {
            image = ShardImages.Read(dataset, table.Name, rowid);
        }
        catch (UserErrorException e)
        {
            throw new NotFoundException(e.Message);
        }
        var headers = context.Response.Headers;
        headers.ETag = image.ETag;
        headers.CacheControl = "public, max-age=86400";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == image.ETag || v == "*")))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        context.Response.ContentType = image.MimeType;
        context.Response.ContentLength = image.Bytes.Length;
        headers.ContentDisposition = new ContentDispositionHeaderValue("inline").ToString();
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(image.Bytes, context.RequestAborted);
    }
}
